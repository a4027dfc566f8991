"""Write documents as YAML or JSON, the same bytes every time for the same data.

YAML floats use Python's shortest round-trip `repr` (PyYAML's float representer), so every float
reads back exactly; keys keep document order; there are no anchors or flow collections.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from suanli.errors import InvalidValueError

SUFFIXES = (".yaml", ".yml", ".json")


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, repeated objects written out again."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # PyYAML folds a raw NEL (U+0085) in a single-quoted scalar into a space; double quotes
    # escape it as \N.
    style = '"' if "\x85" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(tuple, _Dumper.represent_list)
_Dumper.add_representer(str, _represent_str)


def dumps_yaml(data: Mapping[str, Any]) -> str:
    """`data` as block-style YAML in document order, UTF-8 text kept as is."""
    return yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )


def dumps_json(data: Mapping[str, Any]) -> str:
    """`data` as JSON indented by 2, with a trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def dump(data: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write `data` to `path` as YAML (`.yaml`, `.yml`) or JSON (`.json`), by suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidValueError(
            f"{path}: cannot tell the format from the suffix {suffix!r}; use {', '.join(SUFFIXES)}"
        )
    text = dumps_json(data) if suffix == ".json" else dumps_yaml(data)
    Path(path).write_text(text, encoding="utf-8", newline="\n")
