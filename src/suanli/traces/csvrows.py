"""Read a trace CSV row by row, turning every bad row into `FILE:LINE: message`."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from suanli.errors import DataFileError, SuanliError

T = TypeVar("T")


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for a CSV with a header holding at least `required` columns."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(f"{path}:1: header lacks column(s) {', '.join(missing)}")
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


def parse_rows(
    path: Path, required: tuple[str, ...], build: Callable[[dict[str, str]], T]
) -> list[T]:
    """Build one object per row; a bad row raises `DataFileError` with file and line."""
    items = []
    for line, row in read_rows(path, required):
        try:
            items.append(build(row))
        except (ValueError, SuanliError) as exc:
            raise DataFileError(f"{path}:{line}: {exc}") from None
    return items
