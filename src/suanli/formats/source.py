"""Read a YAML or JSON document and the line of every key and item in it.

PyYAML composes a node tree that knows where each node starts; the data is constructed from that
same tree, so lines and values cannot disagree. JSON is read by `json` (YAML 1.1 would turn `1e5`
into a string) and its lines come from the same YAML walk: JSON is YAML once tabs are spaces and
the few characters YAML cannot take are escaped.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path as FilePath

import yaml
from yaml.constructor import ConstructorError
from yaml.reader import ReaderError

from suanli.errors import DataFileError, Problem
from suanli.formats.report import Key, Path, Report, as_key, dotted

MAX_NODES = 1_000_000
"""Walking more nodes than this means aliases were used to blow the document up."""

MERGE_TAG = "tag:yaml.org,2002:merge"

NOT_YAML_TEXT = re.compile(
    r"[\x85\u2028\u2029]|[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""Characters that YAML rejects (control characters) or reads as line breaks. In valid JSON they
can only stand inside strings, where their `\\uXXXX` escape means the same to both parsers."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """The document's data, or `ok=False` when it could not be parsed (the report says why)."""

    ok: bool
    data: object = None


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of `path`; a missing or unreadable file raises `DataFileError` saying so."""
    try:
        return FilePath(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as e:
        raise DataFileError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise DataFileError(f"{path}: cannot be read: {e.strerror or e}") from None


def is_json(filename: str) -> bool:
    return filename.lower().endswith(".json")


def parse(text: str, report: Report, *, as_json: bool) -> Parsed:
    """Parse `text`, filling `report.lines`; syntax errors and duplicate keys become problems."""
    try:
        return _parse_json(text, report) if as_json else _parse_yaml(text, report)
    except RecursionError:  # both parsers recurse once per level
        field = "json" if as_json else "yaml"
        report.problems.append(Problem(report.file, 1, field, "nested too deeply to read"))
        return Parsed(ok=False)


def _parse_yaml(text: str, report: Report) -> Parsed:
    try:
        loader = yaml.SafeLoader(text)  # checks that every character is printable
        node = loader.get_single_node()
        if node is None:
            return Parsed(ok=True)
        _LineWalker(report, loader).walk(node, ())
        return Parsed(ok=True, data=loader.construct_document(node))
    except yaml.YAMLError as e:
        report.problems.append(_yaml_problem(report.file, text, e))
        return Parsed(ok=False)


def _parse_json(text: str, report: Report) -> Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        message = f"malformed JSON: {e.msg} (column {e.colno})"
        report.problems.append(Problem(report.file, e.lineno, "json", message))
        return Parsed(ok=False)
    lines = Report(report.file)
    if _parse_yaml(_as_yaml(text), lines).ok:  # else: valid JSON, lines unknown
        report.lines.update(lines.lines)
        report.problems.extend(lines.problems)
    return Parsed(ok=True, data=data)


def _as_yaml(json_text: str) -> str:
    """JSON text that YAML reads with the same lines: tabs (only whitespace, in valid JSON) become
    spaces, other characters YAML cannot take are escaped."""
    spaced = json_text.replace("\t", " ")
    return NOT_YAML_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", spaced)


def _yaml_problem(file: str, text: str, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f" (column {mark.column + 1})" if mark else ""
        what = ", ".join(str(part) for part in (error.context, error.problem) if part)
        return Problem(file, mark.line + 1 if mark else 1, "yaml", f"malformed YAML: {what}{where}")
    if isinstance(error, ReaderError):
        line = text.count("\n", 0, error.position) + 1
        char = error.character
        code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return Problem(file, line, "yaml", f"malformed YAML: {error.reason} ({code})")
    return Problem(file, 1, "yaml", f"malformed YAML: {error}")


class _LineWalker:
    """Record the line of every mapping key and sequence item, and flag duplicate keys."""

    def __init__(self, report: Report, loader: yaml.SafeLoader) -> None:
        self.report, self.loader = report, loader
        self.open: set[int] = set()
        self.count = 0

    def walk(self, node: yaml.Node, path: Path) -> None:
        self.count += 1
        if id(node) in self.open or self.count > MAX_NODES:
            raise ConstructorError(None, None, "recursive or too many aliases", node.start_mark)
        if not path:
            self.report.lines[()] = node.start_mark.line + 1
        self.open.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self._mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, child in enumerate(node.value):
                self.report.lines[(*path, i)] = child.start_mark.line + 1
                self.walk(child, (*path, i))
        self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path) -> None:
        first: dict[Key, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue  # merged keys take the mapping's line; complex keys fail construction
            key = as_key(self.loader.construct_object(key_node))
            line = key_node.start_mark.line + 1
            if key in first:
                self._duplicate((*path, key), first[key], line)
            first.setdefault(key, line)
            self.report.lines[(*path, key)] = line  # YAML keeps the last value: point at it
            self.walk(value_node, (*path, key))

    def _duplicate(self, path: Path, first: int, line: int) -> None:
        message = f"duplicate key {path[-1]!r} (first on line {first}); keep only one"
        self.report.problems.append(Problem(self.report.file, line, dotted(path), message))
