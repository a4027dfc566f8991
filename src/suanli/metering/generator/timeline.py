"""Assemble a fleet's series chunk by chunk: genuine profiles, then replays copied over, gaps cut
out, the energy counter integrated from power, scrape timestamps with jitter.

Replays copy a source GPU's values from `offset` steps earlier: half the span (rounded down to
whole windows) for spans under two days, else one day. With chunks of one day the source steps
are always in this chunk's genuine part or the previous chunk, which is carried along.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from suanli.metering.generator.fleet import Gpu
from suanli.metering.generator.profiles import BASE_PROFILE, PROFILES

WINDOW_S = 300
DAY_S = 86_400
EMITTED = (
    "gpu_util",
    "fb_used_mib",
    "power_w",
    "energy_mj",
    "xid",
    "sm_active",
    "sm_occupancy",
    "tensor_active",
    "dram_active",
    "nvlink_tx_bytes",
    "nvlink_rx_bytes",
    "pcie_tx_bytes",
    "pcie_rx_bytes",
)
"""The fields a generated exporter reports (dcgm-exporter's defaults plus the profiling fields)."""
ROUNDING = {"power_w": 3, "gpu_util": 2, "fb_used_mib": 0, "energy_mj": 0, "xid": 0}
SHARE_DECIMALS = 6
BYTES_DECIMALS = 0


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything that fixes a data set: same plan, same numbers."""

    fleet: tuple[Gpu, ...]
    seed: int
    start_ms: int
    steps: int
    resolution_s: int
    tdp_w: float
    missing: dict[int, NDArray[np.bool_]] = field(default_factory=dict)

    @property
    def chunk_steps(self) -> int:
        return min(self.steps, DAY_S // self.resolution_s)

    @property
    def replay_offset(self) -> int:
        """Steps between a replayed value and its source."""
        if self.steps * self.resolution_s >= 2 * DAY_S:
            return DAY_S // self.resolution_s
        window = WINDOW_S // self.resolution_s
        return max(window, self.steps // 2 // window * window)


@dataclass(frozen=True, slots=True)
class Chunk:
    """Steps `k0:k0+n` of every GPU: field values (GPUs × n), which are reported, timestamps."""

    k0: int
    values: dict[str, NDArray[np.float64]]
    present: NDArray[np.bool_]
    ts_ms: NDArray[np.int64]


def chunks(plan: Plan) -> list[tuple[int, int]]:
    """The (k0, k1) step ranges the plan is generated in."""
    size = plan.chunk_steps
    return [(k0, min(plan.steps, k0 + size)) for k0 in range(0, plan.steps, size)]


def build_chunk(plan: Plan, k0: int, k1: int, previous: Chunk | None) -> Chunk:
    """Steps `k0:k1` of the plan; `previous` is the chunk before (needed for day replays)."""
    t = (np.arange(k0, k1) * plan.resolution_s).astype(np.float64)
    values = _genuine(plan, k0, t)
    _replay(plan, k0, values, previous)
    _energy(plan, k0, values, previous)
    _round(values)
    present = np.ones((len(plan.fleet), k1 - k0), np.bool_)
    for gpu in plan.fleet:
        if gpu.pattern == "phantom":
            present[gpu.index] = False
        elif gpu.index in plan.missing:
            present[gpu.index] = ~plan.missing[gpu.index][k0:k1]
    return Chunk(k0, values, present, _timestamps(plan, k0, k1))


def _genuine(plan: Plan, k0: int, t: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    values = {c: np.zeros((len(plan.fleet), len(t))) for c in EMITTED}
    bases = [BASE_PROFILE.get(g.pattern, g.pattern) for g in plan.fleet]
    for number, name in enumerate(PROFILES):
        rows = np.array([i for i, b in enumerate(bases) if b == name], np.intp)
        if not len(rows):
            continue
        rng = np.random.default_rng([plan.seed, 3, k0, number])
        traits = np.stack([np.random.default_rng([plan.seed, 2, int(i)]).random(4) for i in rows])
        for column, array in PROFILES[name](rng, t, traits, plan.tdp_w).items():
            values[column][rows] = array
    return values


def _replay(
    plan: Plan, k0: int, values: dict[str, NDArray[np.float64]], previous: Chunk | None
) -> None:
    offset, n = plan.replay_offset, len(values["power_w"][0])
    steps = np.arange(k0, k0 + n)
    copied = steps >= offset
    here = copied & (steps - offset >= k0)
    before = copied & ~here
    genuine = {c: v.copy() for c, v in values.items()}
    for gpu in (g for g in plan.fleet if g.replay_source >= 0):
        for column, array in values.items():
            array[gpu.index, here] = genuine[column][gpu.replay_source, steps[here] - offset - k0]
            if before.any() and previous is not None:
                source = previous.values[column][gpu.replay_source]
                array[gpu.index, before] = source[steps[before] - offset - previous.k0]


def _energy(
    plan: Plan, k0: int, values: dict[str, NDArray[np.float64]], previous: Chunk | None
) -> None:
    """The counter (mJ since driver load) integrates the board power of every step."""
    if previous is None:
        start = np.random.default_rng([plan.seed, 6]).uniform(1e9, 5e9, len(plan.fleet))
    else:
        start = previous.values["energy_mj"][:, -1]
    joules = values["power_w"] * plan.resolution_s * 1000.0
    values["energy_mj"] = np.round(start[:, None] + np.cumsum(joules, axis=1))


def _round(values: dict[str, NDArray[np.float64]]) -> None:
    for column, array in values.items():
        decimals = ROUNDING.get(column, BYTES_DECIMALS if "bytes" in column else SHARE_DECIMALS)
        np.round(array, decimals, out=array)


def _timestamps(plan: Plan, k0: int, k1: int) -> NDArray[np.int64]:
    """Each node scrapes every `resolution_s`, up to 400 ms late; its GPUs share the stamp."""
    nodes = sorted({g.node for g in plan.fleet})
    jitter = np.random.default_rng([plan.seed, 5, k0]).integers(0, 400, (len(nodes), k1 - k0))
    node_of = np.array([nodes.index(g.node) for g in plan.fleet], np.intp)
    grid = plan.start_ms + np.arange(k0, k1, dtype=np.int64) * plan.resolution_s * 1000
    return grid[None, :] + jitter[node_of]


def missing_steps(plan_steps: int, resolution_s: int, seed: int, gpu: int) -> NDArray[np.bool_]:
    """Where a `gaps` GPU reports nothing: about one gap per three hours, each 2–9 whole windows
    (10–45 minutes), never in the first or last hour."""
    window = WINDOW_S // resolution_s
    windows = plan_steps // window
    rng = np.random.default_rng([seed, 4, gpu])
    missing = np.zeros(plan_steps, np.bool_)
    hours = plan_steps * resolution_s / 3600
    for _ in range(max(1, round(hours / 3))):
        length = int(rng.integers(2, 10))
        first = int(rng.integers(12, max(13, windows - 12 - length)))
        missing[first * window : (first + length) * window] = True
    return missing
