"""Read a trace CSV row by row, turning every bad row into `FILE:LINE: message`."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from suanli.errors import DataFileError, SuanliError

T = TypeVar("T")


def read_rows(
    path: Path, required: tuple[str, ...], columns: Sequence[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for a CSV with a header holding at least `required` columns.

    A file without a header line (PAI's machine specs) passes its column names as `columns`.
    """
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle, fieldnames=columns)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            where = "header" if columns is None else "column list"
            raise DataFileError(f"{path}:1: {where} lacks column(s) {', '.join(missing)}")
        for row in reader:
            if None in row or None in row.values():
                raise DataFileError(f"{path}:{reader.line_num}: wrong number of columns")
            yield reader.line_num, row


def integer(row: dict[str, str], column: str) -> int:
    """The cell as an int, or a ValueError that names the column."""
    value = row[column].strip()
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{column}: expected an integer, got {value!r}") from None


def number(row: dict[str, str], column: str) -> float:
    """The cell as a finite float, or a ValueError that names the column."""
    value = row[column].strip()
    try:
        result = float(value)
    except ValueError:
        result = math.nan
    if not math.isfinite(result):
        raise ValueError(f"{column}: expected a number, got {value!r}")
    return result


def optional_number(row: dict[str, str], column: str) -> float | None:
    """The cell as a float, or None when it is empty (a time outside the trace window)."""
    return number(row, column) if row[column].strip() else None


def text(row: dict[str, str], column: str) -> str:
    """The cell stripped of blanks; an empty cell is a ValueError that names the column."""
    value = row[column].strip()
    if not value:
        raise ValueError(f"{column}: must not be empty")
    return value


def parse_rows(
    path: Path,
    required: tuple[str, ...],
    build: Callable[[dict[str, str]], T],
    columns: Sequence[str] | None = None,
) -> list[T]:
    """Build one object per row; a bad row raises `DataFileError` with file and line."""
    items = []
    for line, row in read_rows(path, required, columns):
        try:
            items.append(build(row))
        except (ValueError, SuanliError) as exc:
            raise DataFileError(f"{path}:{line}: {exc}") from None
    return items
