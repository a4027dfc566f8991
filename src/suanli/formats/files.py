"""Validate and load network, workload and scenario files.

Each file goes through the same steps, and every problem of every step is reported at once:
1. parse the YAML or JSON, keeping the line of each key and item (malformed text stops here);
2. check the document against its JSON Schema;
3. run the semantic checks on the values that passed the schema;
4. when nothing was found, build the domain object.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path as DirPath
from typing import Any, TypeVar

from suanli.domain import Network, Workload
from suanli.errors import InvalidFileError, Problem
from suanli.formats.build import BuildError, network_from_data, workload_from_data
from suanli.formats.common_checks import check_finite
from suanli.formats.jsonschemas import FORMATS, validator
from suanli.formats.messages import schema_problems
from suanli.formats.network_checks import check_network
from suanli.formats.report import Report
from suanli.formats.scenario_build import scenario_from_data
from suanli.formats.scenario_checks import check_scenario
from suanli.formats.scenario_spec import ScenarioSpec
from suanli.formats.source import is_json, parse, read_text
from suanli.formats.workload_checks import check_workload

T = TypeVar("T")
FilePath = str | os.PathLike[str]


def validate_network_file(path: FilePath) -> list[Problem]:
    """Every problem of the network file at `path`, sorted by line; empty when it is valid."""
    return _network(read_text(path), os.fspath(path))[1]


def load_network(path: FilePath) -> Network:
    """The network in `path`; raises `InvalidFileError` listing every problem."""
    return network_from_text(read_text(path), os.fspath(path))


def network_from_text(text: str, filename: str = "<network>") -> Network:
    """The network in `text` (YAML, or JSON when `filename` ends in `.json`)."""
    return _loaded(*_network(text, filename))


def validate_workload_file(path: FilePath, network: Network | None = None) -> list[Problem]:
    """Every problem of the workload file at `path`; region ids are checked against `network`
    when one is given."""
    return _workload(read_text(path), os.fspath(path), network)[1]


def load_workload(path: FilePath, network: Network | None = None) -> Workload:
    """The workload in `path`; raises `InvalidFileError` listing every problem."""
    return workload_from_text(read_text(path), os.fspath(path), network)


def workload_from_text(
    text: str, filename: str = "<workload>", network: Network | None = None
) -> Workload:
    """The workload in `text` (YAML, or JSON when `filename` ends in `.json`)."""
    return _loaded(*_workload(text, filename, network))


def validate_scenario_file(path: FilePath) -> list[Problem]:
    """Every problem of the scenario file at `path`, including the network it names (built or
    loaded to check the ids its events use); empty when it is valid."""
    return _scenario(read_text(path), os.fspath(path))[1]


def load_scenario(path: FilePath) -> ScenarioSpec:
    """The scenario in `path`, its file paths made absolute; raises `InvalidFileError`."""
    return scenario_from_text(read_text(path), os.fspath(path))


def scenario_from_text(text: str, filename: str = "<scenario>") -> ScenarioSpec:
    """The scenario in `text`; relative paths in it are read from `filename`'s folder."""
    return _loaded(*_scenario(text, filename))


def _scenario(text: str, filename: str) -> tuple[ScenarioSpec | None, list[Problem]]:
    report = Report(filename)
    base_dir = DirPath(filename).parent
    data = _checked(text, report, "scenario")
    if data is not None:
        check_scenario(data, report, base_dir, load_network)
    return _built(report, data, lambda d: scenario_from_data(d, base_dir))


def _network(text: str, filename: str) -> tuple[Network | None, list[Problem]]:
    report = Report(filename)
    data = _checked(text, report, "network")
    if data is not None:
        check_network(data, report)
    return _built(report, data, network_from_data)


def _workload(
    text: str, filename: str, network: Network | None
) -> tuple[Workload | None, list[Problem]]:
    report = Report(filename)
    data = _checked(text, report, "workload")
    if data is not None:
        check_workload(data, report, network)
    return _built(report, data, workload_from_data)


def _checked(text: str, report: Report, kind: str) -> Mapping[str, Any] | None:
    """Steps 1 and 2: the document when it parsed to a mapping, with its schema problems."""
    parsed = parse(text, report, as_json=is_json(report.file))
    if not parsed.ok:
        return None
    if parsed.data is None:
        report.add((), f"the file is empty; start it with 'format: {FORMATS[kind]}'")
        return None
    if isinstance(parsed.data, Mapping) and _other_kind(parsed.data, report, kind):
        return None
    schema_problems(validator(kind), parsed.data, report)
    check_finite(parsed.data, report)
    return parsed.data if isinstance(parsed.data, Mapping) else None


def _other_kind(data: Mapping[str, Any], report: Report, kind: str) -> bool:
    """A file of another suanli kind gets one problem, not one per field."""
    other = next((k for k, f in FORMATS.items() if f == data.get("format") and k != kind), None)
    if other is not None:
        report.add(("format",), f"this is a {other} file; expected a {kind} file")
    return other is not None


def _built(
    report: Report, data: Mapping[str, Any] | None, build: Callable[[Mapping[str, Any]], T]
) -> tuple[T | None, list[Problem]]:
    """Step 4, once nothing else was found."""
    if data is None or report.problems:
        return None, report.sorted_problems()
    try:
        return build(data), []
    except BuildError as e:
        report.add(e.path, e.message)
        return None, report.sorted_problems()


def _loaded(value: T | None, problems: list[Problem]) -> T:
    if value is None:
        raise InvalidFileError(problems)
    return value
