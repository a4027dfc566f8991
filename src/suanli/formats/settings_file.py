"""A versioned settings file (the audit policy, the pricing policy): YAML, read from a path or
the package, built into a value; every problem is one `DataFileError` line that names the file."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from suanli.errors import DataFileError, UnknownNameError

T = TypeVar("T")
Build = Callable[[dict[str, Any], str], T]


def load_settings(source: Path | str | None, package: str, packaged: str, build: Build[T]) -> T:
    """`build` over the file `source`, or over `packaged` (a path inside `package`) when None."""
    if source is None:
        text = resources.files(package).joinpath(packaged).read_text("utf-8")
        return parse_settings(text, f"{package.replace('.', '/')}/{packaged}", build)
    path = Path(source)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_settings(text, str(path), build)


def parse_settings(text: str, name: str, build: Build[T]) -> T:
    """`build(mapping, name)` over the YAML `text` of the file `name`; its `KeyError`,
    `TypeError` and `ValueError` become `DataFileError` lines."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DataFileError(f"{name}: expected a mapping of settings")
    try:
        return build(data, name)
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"{name}: {_text(exc)}") from None


def _text(exc: Exception) -> str:
    if isinstance(exc, KeyError) and not isinstance(exc, UnknownNameError):
        return f"missing setting {exc}"
    return str(exc)
