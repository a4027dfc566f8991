"""Generate labelled, realistic dcgm-exporter telemetry for every pattern the audit must tell
apart; same arguments and seed, same files, byte for byte.

Writes into OUT: `metrics/NODE-DAY.prom` (or `.om` for OpenMetrics nodes), `labels.json` (the
ground truth per GPU and window, see `truth`) and `inventory.csv` (every GPU, phantoms included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from suanli.catalog.gpus import gpu_model
from suanli.errors import InvalidValueError
from suanli.metering.generator.fleet import PATTERNS, SCENARIOS, Gpu, build_fleet
from suanli.metering.generator.timeline import (
    WINDOW_S,
    Chunk,
    Plan,
    build_chunk,
    chunks,
    missing_steps,
)
from suanli.metering.generator.truth import write_labels
from suanli.metering.generator.writer import suffix, write_node
from suanli.metering.inventory import InventoryGpu, write_inventory

DEFAULT_START_MS = 1_751_328_000_000  # 2025-07-01T00:00:00Z
DEFAULT_SITE = "zhongwei-1"

__all__ = ["PATTERNS", "SCENARIOS", "GenerateReport", "generate", "plan_for"]


@dataclass(frozen=True, slots=True)
class GenerateReport:
    out_dir: str
    scenario: str
    gpus: int
    hours: float
    seed: int
    files: tuple[str, ...]
    sample_lines: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out_dir,
            "scenario": self.scenario,
            "gpus": self.gpus,
            "hours": self.hours,
            "seed": self.seed,
            "files": len(self.files),
            "sample_lines": self.sample_lines,
            "labels": str(Path(self.out_dir) / "labels.json"),
            "inventory": str(Path(self.out_dir) / "inventory.csv"),
        }


def plan_for(
    scenario: str,
    gpus: int,
    hours: float,
    seed: int,
    resolution_s: int = 30,
    site: str = DEFAULT_SITE,
    model: str = "H100",
    start_ms: int = DEFAULT_START_MS,
    job: str | None = None,
) -> Plan:
    """The plan of a data set: fleet, span, gaps; every GPU labelled with `job` when given (an
    exchange's job id, written as `suanli_job`)."""
    if resolution_s <= 0 or WINDOW_S % resolution_s:
        raise InvalidValueError(f"resolution_s must divide {WINDOW_S}, got {resolution_s}")
    steps = round(hours * 3600 / resolution_s)
    if steps < WINDOW_S // resolution_s:
        raise InvalidValueError(f"hours must cover at least one {WINDOW_S // 60}-minute window")
    fleet = build_fleet(scenario, gpus, seed, site, model, job)
    missing = {
        g.index: missing_steps(steps, resolution_s, seed, g.index)
        for g in fleet
        if g.pattern == "gaps"
    }
    tdp = gpu_model(model).tdp_w
    return Plan(fleet, seed, start_ms, steps, resolution_s, tdp, missing)


def generate(
    scenario: str,
    gpus: int,
    hours: float,
    seed: int,
    out_dir: Path,
    resolution_s: int = 30,
    progress: Callable[[int, int], None] | None = None,
    **plan_options: Any,
) -> GenerateReport:
    """Write the scenario's exposition files, labels.json and inventory.csv into `out_dir`."""
    plan = plan_for(scenario, gpus, hours, seed, resolution_s, **plan_options)
    metrics = Path(out_dir) / "metrics"
    metrics.mkdir(parents=True, exist_ok=True)
    files, lines, previous = [], 0, None
    ranges = chunks(plan)
    for number, (k0, k1) in enumerate(ranges):
        if progress:
            progress(number, len(ranges))
        chunk = build_chunk(plan, k0, k1, previous)
        for node, members in _nodes(plan.fleet).items():
            path = metrics / f"{node}-{_day(plan, chunk)}{suffix(members[0].dialect)}"
            lines += write_node(path, members, chunk)
            files.append(str(path))
        previous = chunk
    write_labels(Path(out_dir) / "labels.json", plan, scenario)
    write_inventory(
        Path(out_dir) / "inventory.csv",
        [InventoryGpu(g.site, g.uuid, g.node, g.model) for g in plan.fleet],
    )
    return GenerateReport(str(out_dir), scenario, gpus, hours, seed, tuple(files), lines)


def _nodes(fleet: tuple[Gpu, ...]) -> dict[str, list[Gpu]]:
    nodes: dict[str, list[Gpu]] = {}
    for gpu in fleet:
        nodes.setdefault(gpu.node, []).append(gpu)
    return nodes


def _day(plan: Plan, chunk: Chunk) -> str:
    first = plan.start_ms + chunk.k0 * plan.resolution_s * 1000
    return str(np.datetime64(first // 86_400_000, "D"))
