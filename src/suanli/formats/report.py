"""Collect problems against one file: JSON paths, their lines, and which values are known bad."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from suanli.errors import Problem

Key = str | int
Path = tuple[Key, ...]
"""A place in the document: mapping keys and sequence indices from the root."""

ROOT_FIELD = "(root)"


def as_key(value: object) -> Key:
    """A mapping key as a path element: strings and integers as they are, others as text."""
    return value if isinstance(value, str | int) else str(value)


def dotted(path: Sequence[Key]) -> str:
    """`("sites", 3, "pools", 0, "nodes")` -> `sites[3].pools[0].nodes`."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else f".{key}" if text else str(key)
    return text or ROOT_FIELD


def show(value: object) -> str:
    """A short, YAML-flavoured rendering of a value for messages."""
    if value is None:
        return "null (empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def listing(names: Iterable[str], limit: int = 20) -> str:
    """`a, b, c` with at most `limit` names, then how many more."""
    names = list(names)
    head = ", ".join(names[:limit])
    return head + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


@dataclass
class Report:
    """Problems found in one file, with the line of every key and item of its document.

    `bad` holds paths whose value failed the schema (wrong type, out of range...); semantic checks
    read only good values, so that one bad field does not hide problems elsewhere.
    """

    file: str
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    bad: set[Path] = field(default_factory=set)

    def line(self, path: Sequence[Key]) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def add(self, path: Sequence[Key], message: str, *, at: Sequence[Key] | None = None) -> None:
        """Report `message` for the field at `path`, on the line of `at` (default: `path`)."""
        line = self.line(path if at is None else at)
        self.problems.append(Problem(self.file, line, dotted(path), message))

    def taint(self, path: Sequence[Key]) -> None:
        """Mark the value at `path` bad, and so every mapping or list that holds it."""
        path = tuple(path)
        for end in range(len(path) + 1):
            self.bad.add(path[:end])

    def good(self, path: Sequence[Key]) -> bool:
        """True when nothing at or under `path` failed a check."""
        return tuple(path) not in self.bad

    def sorted_problems(self) -> list[Problem]:
        """Each problem once, sorted by line, then field."""
        unique = dict.fromkeys(self.problems)
        return sorted(unique, key=lambda p: (p.line, p.field, p.message))


def items(data: object, key: str) -> list[tuple[Path, Mapping[str, Any]]]:
    """The mapping items of the top-level list `data[key]`, with their paths; others skipped."""
    if not isinstance(data, Mapping):
        return []
    seq = data.get(key)
    if not isinstance(seq, list):
        return []
    return [((key, i), item) for i, item in enumerate(seq) if isinstance(item, Mapping)]


def sub_items(path: Path, obj: Mapping[str, Any], key: str) -> list[tuple[Path, Mapping[str, Any]]]:
    """Like `items`, for a list nested in `obj` at `path`."""
    return [((*path, *sub), item) for sub, item in items(obj, key)]


def text(report: Report, path: Path, obj: Mapping[str, Any], key: str) -> str | None:
    """`obj[key]` when it is a string that passed the schema, else None."""
    value = obj.get(key)
    return value if isinstance(value, str) and report.good((*path, key)) else None


def number(report: Report, path: Path, obj: Mapping[str, Any], key: str) -> float | None:
    """`obj[key]` when it is a number (not a bool) that passed the schema, else None."""
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if report.good((*path, key)) else None
