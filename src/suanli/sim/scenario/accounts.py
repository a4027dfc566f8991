"""GPU-hours and yuan per pool and per step, integrated exactly from the usage intervals.

Step k covers [k·step, min((k+1)·step, duration)). For a usage u (GPUs g_u of pool p_u from
s_u to e_u, charged m_u fen by the run's book, `money`) and a step [a_k, b_k):

    overlap_uk     = max(0, min(e_u, b_k) − max(s_u, a_k))
    busy_pk        = Σ_{u: p_u = p} g_u × overlap_uk          (training and inference apart)
    revenue_pk     = Σ_{u: p_u = p} m_u / 100 × overlap_uk / (e_u − s_u)
    online_pk      = GPUs_p × (b_k − a_k − offline hours of p's site within the step)

Every usage ends within the run (the book settles what still runs at the end), so revenue over
all pools and steps is what the book charged, to the fen.

Offline hours come from the scenario's outage windows and the hours before a new site opens,
merged per site so that overlapping windows count once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.formats.scenario_spec import NewSite, Outage, ScenarioSpec
from suanli.placement.costs import Floats, Ints
from suanli.sim.scenario.world import World


@dataclass(frozen=True, slots=True, eq=False)
class Accounts:
    """Arrays of the module docstring: steps (K), pools × steps (P × K)."""

    starts: Floats
    lengths: Floats
    online: Floats
    training: Floats
    inference: Floats
    revenue: Floats

    @property
    def busy(self) -> Floats:
        total: Floats = self.training + self.inference
        return total


def step_edges(spec: ScenarioSpec) -> tuple[Floats, Floats]:
    starts = np.arange(spec.steps, dtype=np.float64) * spec.step_hours
    ends = np.minimum(starts + spec.step_hours, spec.duration_hours)
    return starts, ends


def offline_windows(spec: ScenarioSpec) -> dict[str, list[tuple[float, float]]]:
    """Per site, the merged hours it is offline."""
    raw: dict[str, list[tuple[float, float]]] = {}
    for e in spec.events:
        if isinstance(e, Outage):
            raw.setdefault(e.site, []).append((e.from_hour, e.to_hour))
        elif isinstance(e, NewSite):
            raw.setdefault(e.site.id, []).append((0.0, e.at_hour))
    return {site: _merged(windows) for site, windows in raw.items()}


def _merged(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for start, end in sorted(windows):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlap(start: Floats, end: Floats, a: Floats, b: Floats) -> Floats:
    """Hours each interval (rows) overlaps each step (columns)."""
    hours: Floats = np.minimum(end[:, None], b[None, :]) - np.maximum(start[:, None], a[None, :])
    return np.maximum(hours, 0.0)


def accounts(world: World) -> Accounts:
    """The module docstring's sums over the run's usages."""
    a, b = step_edges(world.spec)
    pools = len(world.pool_ids)
    u = world.usages
    pool = np.array([x.pool for x in u], dtype=np.int64)
    overlap_hours = overlap(np.array([x.start for x in u]), np.array([x.end for x in u]), a, b)
    gpu_hours = np.array([x.gpus for x in u], dtype=np.float64)[:, None] * overlap_hours
    training = np.array([x.training for x in u], dtype=bool)
    hours = np.array([x.end - x.start for x in u], dtype=np.float64)
    charged = np.array([world.money.charged_fen[x.line] for x in u], dtype=np.float64) / 100
    per_hour = np.divide(charged, hours, out=np.zeros(len(u)), where=hours > 0)
    return Accounts(
        starts=a,
        lengths=b - a,
        online=_online(world, a, b),
        training=_by_pool(pools, pool[training], gpu_hours[training], a.size),
        inference=_by_pool(pools, pool[~training], gpu_hours[~training], a.size),
        revenue=_by_pool(pools, pool, overlap_hours * per_hour[:, None], a.size),
    )


def _by_pool(pools: int, pool: Ints, values: Floats, steps: int) -> Floats:
    out = np.zeros((pools, steps))
    np.add.at(out, pool, values.reshape(-1, steps))
    return out


def _online(world: World, a: Floats, b: Floats) -> Floats:
    windows = offline_windows(world.spec)
    hours = np.tile(b - a, (len(world.pool_ids), 1))
    for i, site in enumerate(world.pool_site):
        for start, end in windows.get(site, []):
            hours[i] -= overlap(np.array([start]), np.array([end]), a, b)[0]
    online: Floats = hours * world.capacity[:, None]
    return online
