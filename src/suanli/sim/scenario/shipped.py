"""The scenarios shipped with the package (`suanli/sim/scenarios/*.yaml`) and a short run of one,
for the demo."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path

from suanli.errors import UnknownNameError
from suanli.formats import ScenarioSpec, load_scenario
from suanli.sim.scenario.runner import ScenarioResult, run_scenario

SHIPPED = ("training-boom", "inference-shift", "outage", "trace-replay", "price-fall")
"""training-boom: 2023-like, mostly training; inference-shift: 2025-like, inference dominates and
training needs fewer GPU-hours; outage: the boom mix with the largest western site down;
trace-replay: Philly jobs and the Azure conversation trace replayed (needs the public traces);
price-fall: posted prices, a boom then a shift to inference and new H100 capacity, and the H100
index falls by itself."""

DEMO_HOURS = 24.0
"""Hours of the demo's short run: long enough for a full day of the diurnal curve."""


def shipped_path(name: str) -> Path:
    """The file of shipped scenario `name`."""
    if name not in SHIPPED:
        raise UnknownNameError("shipped scenario", name, list(SHIPPED))
    return Path(str(resources.files("suanli.sim").joinpath(f"scenarios/{name}.yaml")))


def load_shipped(name: str) -> ScenarioSpec:
    return load_scenario(shipped_path(name))


def load_named(scenario: str) -> ScenarioSpec:
    """The scenario file at `scenario`, or the shipped scenario of that name: a text that is
    neither an existing file nor has a file suffix is a name, and an unknown one is an
    `UnknownNameError` that lists the shipped names."""
    path = Path(scenario)
    if scenario in SHIPPED or not (path.suffix or path.exists()):
        return load_shipped(scenario)
    return load_scenario(path)


def shortened(spec: ScenarioSpec, hours: float) -> ScenarioSpec:
    """`spec` cut to its first `hours` (events after the cut do not happen)."""
    events = tuple(e for e in spec.events if _starts(e) < hours)
    return replace(spec, duration_hours=hours, events=events)


def _starts(event: object) -> float:
    return float(getattr(event, "at_hour", getattr(event, "from_hour", 0.0)))


def short_run(name: str = "inference-shift", hours: float = DEMO_HOURS) -> ScenarioResult:
    """A shipped scenario run for its first `hours` only (the demo's `inference-shift`)."""
    return run_scenario(shortened(load_shipped(name), hours))
