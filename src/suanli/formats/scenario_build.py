"""Build a `ScenarioSpec` from a scenario document that passed validation.

Relative paths (network and workload files) are made absolute against the scenario file's folder,
so the spec stands on its own and the resolved scenario written beside a run says where its
files were.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from suanli.formats.build import at, site_from_data
from suanli.formats.scenario_spec import (
    EVENT_KINDS,
    EventSpec,
    InferenceSpec,
    NetworkSource,
    NewSite,
    PricingSpec,
    ScenarioSpec,
    WorkloadSource,
)

Data = Mapping[str, Any]
INTEGERS = ("seed", "jobs")


def scenario_from_data(data: Data, base_dir: FilePath) -> ScenarioSpec:
    with at(()):
        return ScenarioSpec(
            name=data["name"],
            duration_hours=float(data["duration_hours"]),
            network=NetworkSource(**_values(data["network"], base_dir)),
            workload=tuple(WorkloadSource(**_values(w, base_dir)) for w in data["workload"]),
            description=data.get("description", ""),
            seed=int(data.get("seed", 0)),
            step_hours=float(data.get("step_hours", 1.0)),
            placement_policy=data.get("placement_policy", "greedy"),
            time_limit_s=float(data.get("time_limit_s", 5.0)),
            inference=InferenceSpec(**_values(data.get("inference", {}), base_dir)),
            pricing=_pricing(data.get("pricing", {}), base_dir),
            events=tuple(_event(("events", i), e) for i, e in enumerate(data.get("events", []))),
        )


def _values(obj: Data, base_dir: FilePath) -> dict[str, Any]:
    """Numbers as the spec types them; paths made absolute."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key == "path":
            out[key] = str((base_dir / value).resolve())
        elif key in INTEGERS or isinstance(value, str | Mapping):
            out[key] = value
        else:
            out[key] = float(value)
    return out


def _pricing(obj: Data, base_dir: FilePath) -> PricingSpec:
    policy = obj.get("policy")
    return PricingSpec(
        mode=obj.get("mode", "fixed"),
        policy=None if policy is None else str((base_dir / policy).resolve()),
    )


def _event(path: tuple[str | int, ...], e: Data) -> EventSpec:
    fields = {k: v for k, v in e.items() if k != "kind"}
    with at(path):
        if e["kind"] == NewSite.kind:
            site = site_from_data((*path, "site"), fields["site"])
            return NewSite(at_hour=float(fields["at_hour"]), site=site)
        return EVENT_KINDS[e["kind"]](**_values(fields, FilePath()))
