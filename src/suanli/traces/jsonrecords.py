"""Read JSON traces record by record, turning every bad record into `FILE:LINE: message`.

Two layouts: JSON lines (Mooncake), and one JSON array (Philly), which is walked item by item
with `raw_decode` so that a bad entry can still be reported with its line, not only its index.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from suanli.errors import DataFileError, SuanliError

T = TypeVar("T")
Record = dict[str, object]
_BLANK = re.compile(r"[ \t\n\r]*")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not UTF-8 text") from None


def _bad_json(path: Path, exc: json.JSONDecodeError, line_offset: int = 0) -> DataFileError:
    return DataFileError(f"{path}:{exc.lineno + line_offset}: invalid JSON: {exc.msg}")


def json_lines(path: Path) -> Iterator[tuple[int, object]]:
    """Yield (line number, value) for each non-blank line of a JSON-lines file."""
    for line, raw in enumerate(_read(path).split("\n"), start=1):
        if raw.strip():
            try:
                yield line, json.loads(raw)
            except json.JSONDecodeError as exc:
                raise _bad_json(path, exc, line - 1) from None


def json_array(path: Path) -> Iterator[tuple[int, object]]:
    """Yield (line where the item starts, item) for each item of a file holding one JSON array."""
    text = _read(path)
    decoder, line, seen = json.JSONDecoder(), 1, 0
    try:
        pos = _expect(text, 0, "[")
        closed = text.startswith("]", pos)
        while not closed:  # after a comma a value must follow: "[1,]" fails in raw_decode
            item, end = decoder.raw_decode(text, pos)
            line, seen = line + text.count("\n", seen, pos), pos
            yield line, item
            pos = _skip(text, end)
            closed = text.startswith("]", pos)
            if not closed:
                pos = _expect(text, pos, ",")
        extra = _skip(text, pos + 1)
        if extra != len(text):
            raise json.JSONDecodeError("extra data after the array", text, extra)
    except json.JSONDecodeError as exc:
        raise _bad_json(path, exc) from None


def _skip(text: str, pos: int) -> int:
    match = _BLANK.match(text, pos)
    return match.end() if match else pos


def _expect(text: str, pos: int, char: str) -> int:
    """Position after `char` (and blanks) at `pos`, which may be preceded by blanks."""
    pos = _skip(text, pos)
    if not text.startswith(char, pos):
        raise json.JSONDecodeError(f"expected {char!r}", text, pos)
    return _skip(text, pos + 1)


def parse_records(
    path: Path,
    records: Iterator[tuple[int, object]],
    build: Callable[[Record], T],
    label: Callable[[int], str] = lambda index: "",
) -> list[T]:
    """Build one object per record; a bad one raises `DataFileError` with file and line.

    `label(index)` prefixes the message, e.g. "entry 12: " for the items of an array.
    """
    items = []
    for index, (line, value) in enumerate(records):
        try:
            items.append(build(as_object(value)))
        except (ValueError, SuanliError) as exc:
            raise DataFileError(f"{path}:{line}: {label(index)}{exc}") from None
    return items


def as_object(value: object) -> Record:
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _get(record: Record, key: str) -> object:
    if key not in record:
        raise ValueError(f"{key}: missing")
    return record[key]


def integer(record: Record, key: str) -> int:
    value = _get(record, key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key}: expected an integer, got {value!r}")
    return value


def number(record: Record, key: str) -> float:
    value = _get(record, key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{key}: expected a number, got {value!r}")
    return float(value)


def string(record: Record, key: str) -> str:
    value = _get(record, key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key}: expected a non-empty string, got {value!r}")
    return value


def items(record: Record, key: str) -> list[object]:
    value = _get(record, key)
    if not isinstance(value, list):
        raise ValueError(f"{key}: expected a list, got {value!r}")
    return value


def moment(record: Record, key: str, layout: str = "%Y-%m-%d %H:%M:%S") -> datetime:
    """A naive datetime in the trace's own (unstated) time zone."""
    value = string(record, key)
    try:
        return datetime.strptime(value, layout)
    except ValueError:
        raise ValueError(f"{key}: expected a time like {layout!r}, got {value!r}") from None
