"""Checks of a scenario document beyond its schema: sources, the network it names, the times.

A workload source gives exactly one of preset, path and trace, and only the fields its kind takes
(`SOURCE_FIELDS`). Whether a trace file is there is not checked: that depends on where the run
happens (`SUANLI_TRACE_DIR`), and a run without it stops with `DataFileError`.

The network the scenario names is built (preset) or loaded (file) here, so that events can be
checked against its site and pool ids; a network that fails to load is one problem at its field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path as FilePath
from typing import Any

from suanli.catalog.presets import NETWORK_PRESETS, build_network
from suanli.catalog.workloads import PRESETS, TRACES
from suanli.domain import Network
from suanli.errors import InvalidFileError, SuanliError
from suanli.formats.report import Path, Report, items, listing, number, text
from suanli.formats.scenario_events import check_events
from suanli.formats.scenario_spec import SOURCE_FIELDS, NetworkSource, source_kind

Obj = Mapping[str, Any]
NetworkLoader = Callable[[FilePath], Network]
Names = Mapping[str, tuple[str, list[str]]]
"""Field naming a registered thing (besides `path`) -> (what it names, the known names)."""

NETWORK_NAMES: Names = {"preset": ("network preset", list(NETWORK_PRESETS))}
WORKLOAD_NAMES: Names = {
    "preset": ("workload preset", list(PRESETS)),
    "trace": ("trace", list(TRACES)),
}


def check_scenario(data: Obj, report: Report, base_dir: FilePath, load: NetworkLoader) -> None:
    """Add the scenario's semantic problems to `report`, reading only values that passed the
    schema; relative paths are read from `base_dir`, network files with `load`."""
    duration = number(report, (), data, "duration_hours")
    step = number(report, (), data, "step_hours")
    if duration is not None and step is not None and step > duration:
        report.add(("step_hours",), f"must be <= duration_hours ({duration:g}), got {step:g}")
    network = _network(data, report, base_dir, load)
    for path, source in items(data, "workload"):
        _check_workload_source(report, path, source, base_dir)
    check_events(data, report, network, duration)


def _check_workload_source(report: Report, path: Path, source: Obj, base_dir: FilePath) -> None:
    """A usable source gives only the fields its kind takes, and not both ways of timing."""
    if not _check_source(report, path, source, WORKLOAD_NAMES, base_dir):
        return
    named = [text(report, path, source, key) for key in ("preset", "path", "trace")]
    kind = source_kind(*named)
    allowed = SOURCE_FIELDS[kind]
    for name in source:
        if name not in allowed:
            message = f"{kind} sources take no {name!r}; they take: {', '.join(allowed)}"
            report.add((*path, name), message)
    if kind == "training trace" and "time_scale" in source and "span_hours" in source:
        report.add(path, "give at most one of 'time_scale' and 'span_hours'")


def _network(data: Obj, report: Report, base_dir: FilePath, load: NetworkLoader) -> Network | None:
    """The network the scenario names, or None when it cannot be had (a problem says why)."""
    source = data.get("network")
    if not isinstance(source, Mapping) or not report.good(("network",)):
        return None
    path: Path = ("network",)
    if not _check_source(report, path, source, NETWORK_NAMES, base_dir):
        return None
    preset, file = text(report, path, source, "preset"), text(report, path, source, "path")
    seed = number(report, path, source, "seed")
    where = (*path, "path" if file is not None else "preset")
    try:
        if preset is not None:
            seed_or_default = NetworkSource().seed if seed is None else int(seed)
            return build_network(preset, seed=seed_or_default).network
        return load(base_dir / str(file))
    except InvalidFileError as e:
        report.add(where, f"the network does not load: {e.problems[0]}")
    except SuanliError as e:
        report.add(where, str(e))
    return None


def _check_source(
    report: Report, path: Path, source: Obj, names: Names, base_dir: FilePath
) -> bool:
    """Exactly one of `names`' keys and 'path'; a known name; a file that exists. True when
    usable."""
    keys = (*names, "path")
    if sum(key in source for key in keys) != 1:
        report.add(path, f"give exactly one of {_one_of(keys)}")
        return False
    for key, (kind, known) in names.items():
        value = text(report, path, source, key)
        if value is not None and value not in known:
            report.add((*path, key), f"unknown {kind} {value!r}; known: {listing(known)}")
            return False
    file = text(report, path, source, "path")
    if file is not None and not (base_dir / file).is_file():
        report.add((*path, "path"), f"no such file {file!r} (read from {base_dir})")
        return False
    return any(text(report, path, source, key) is not None for key in keys)


def _one_of(keys: tuple[str, ...]) -> str:
    """`'a' and 'b'`, `'a', 'b' and 'c'`."""
    quoted = [repr(k) for k in keys]
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"
