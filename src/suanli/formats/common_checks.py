"""Checks shared by every file kind: finite numbers, unique ids, known GPU models."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from suanli.catalog import canonical_gpu_name
from suanli.errors import UnknownNameError
from suanli.formats.report import Path, Report, as_key


def check_finite(data: object, report: Report, path: Path = ()) -> None:
    """Flag `.nan` and `.inf`: no quantity in these files is infinite or undefined."""
    if isinstance(data, float) and not math.isfinite(data):
        report.add(path, f"must be a finite number, got {data}")
        report.taint(path)
    elif isinstance(data, Mapping):
        for key, value in data.items():
            check_finite(value, report, (*path, as_key(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            check_finite(value, report, (*path, i))


def check_unique(report: Report, kind: str, ids: Iterable[tuple[Path, str | None]]) -> None:
    """Flag each repeated id at its own line, naming the line of the first; None is skipped."""
    first: dict[str, Path] = {}
    for path, value in ids:
        if value is None:
            continue
        if value in first:
            line = report.line(first[value])
            report.add(path, f"duplicate {kind} id {value!r} (first on line {line}); rename one")
        else:
            first[value] = path


def check_gpu_model(report: Report, path: Path, name: str | None) -> None:
    """Flag a GPU model that is neither a catalog name nor an alias of one."""
    if name is None:
        return
    try:
        canonical_gpu_name(name)
    except UnknownNameError as e:
        report.add(path, str(e))
