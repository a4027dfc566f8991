"""Checks of a scenario document beyond its schema: sources, the network it names, the times.

The network the scenario names is built (preset) or loaded (file) here, so that events can be
checked against its site and pool ids; a network that fails to load is one problem at its field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path as FilePath
from typing import Any

from suanli.catalog.presets import NETWORK_PRESETS, build_network
from suanli.catalog.workloads import PRESETS
from suanli.domain import Network
from suanli.errors import InvalidFileError, SuanliError
from suanli.formats.report import Path, Report, items, listing, number, text
from suanli.formats.scenario_events import check_events
from suanli.formats.scenario_spec import NetworkSource

Obj = Mapping[str, Any]
NetworkLoader = Callable[[FilePath], Network]


def check_scenario(data: Obj, report: Report, base_dir: FilePath, load: NetworkLoader) -> None:
    """Add the scenario's semantic problems to `report`, reading only values that passed the
    schema; relative paths are read from `base_dir`, network files with `load`."""
    duration = number(report, (), data, "duration_hours")
    step = number(report, (), data, "step_hours")
    if duration is not None and step is not None and step > duration:
        report.add(("step_hours",), f"must be <= duration_hours ({duration:g}), got {step:g}")
    network = _network(data, report, base_dir, load)
    for path, source in items(data, "workload"):
        _check_source(report, path, source, "workload preset", list(PRESETS), base_dir)
    check_events(data, report, network, duration)


def _network(data: Obj, report: Report, base_dir: FilePath, load: NetworkLoader) -> Network | None:
    """The network the scenario names, or None when it cannot be had (a problem says why)."""
    source = data.get("network")
    if not isinstance(source, Mapping) or not report.good(("network",)):
        return None
    path: Path = ("network",)
    if not _check_source(report, path, source, "network preset", list(NETWORK_PRESETS), base_dir):
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
    report: Report, path: Path, source: Obj, kind: str, known: list[str], base_dir: FilePath
) -> bool:
    """Exactly one of preset and path; a known preset; a file that exists. True when usable."""
    preset, file = text(report, path, source, "preset"), text(report, path, source, "path")
    if ("preset" in source) == ("path" in source):
        report.add(path, "give exactly one of 'preset' and 'path'")
        return False
    if preset is not None and preset not in known:
        report.add((*path, "preset"), f"unknown {kind} {preset!r}; known: {listing(known)}")
        return False
    if file is not None and not (base_dir / file).is_file():
        report.add((*path, "path"), f"no such file {file!r} (read from {base_dir})")
        return False
    return preset is not None or file is not None
