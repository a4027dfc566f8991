"""The audit grid: every GPU × every window of the audited range, each cell decided.

Cells with a rollup take its decision; cells without one are `missing` (the `gaps` detector);
a GPU of the inventory with no rollup at all is a phantom: every cell `suspicious` when the
policy lists the `phantom` detector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from suanli.errors import DataFileError
from suanli.metering.classify import Decisions
from suanli.metering.inventory import InventoryGpu
from suanli.metering.policy import CLASSES, Policy
from suanli.metering.rollup import Rollups


@dataclass(frozen=True, slots=True)
class GpuRow:
    site: str
    gpu_uuid: str
    node: str
    model: str
    in_data: bool
    in_inventory: bool | None  # None: no inventory given


@dataclass(frozen=True, slots=True)
class Grid:
    gpus: tuple[GpuRow, ...]
    start_ms: int
    window_ms: int
    klass: NDArray[np.int8]  # GPUs × windows
    rule: NDArray[np.int16]
    row: NDArray[np.int64]  # the rollup row of each cell, -1 where none

    @property
    def windows(self) -> int:
        return int(self.klass.shape[1])


def audit_range(r: Rollups, start_ms: int | None, end_ms: int | None) -> tuple[int, int]:
    """[start, end) in whole windows: as given, else spanning the rollups."""
    w = r.window_ms
    if len(r) == 0 and (start_ms is None or end_ms is None):
        raise DataFileError(
            "no telemetry stored for this audit; ingest some, or give --from and --to with an "
            "--inventory to audit the GPUs it lists"
        )
    lo = start_ms if start_ms is not None else int(r.start_ms.min())
    hi = end_ms if end_ms is not None else int(r.start_ms.max()) + w
    return lo // w * w, -(-hi // w) * w


def build_grid(
    r: Rollups,
    decisions: Decisions,
    policy: Policy,
    span: tuple[int, int],
    inventory: Sequence[InventoryGpu] | None,
    site: str | None = None,
) -> Grid:
    """The grid over `span`; inventory GPUs (of `site`, or all) join as phantoms when silent."""
    gpus = _gpu_rows(r, inventory, site)
    windows = (span[1] - span[0]) // r.window_ms
    names = decisions.rule_names
    klass = np.full((len(gpus), windows), CLASSES.index("missing"), np.int8)
    rule = np.full((len(gpus), windows), names.index("gaps"), np.int16)
    row = np.full((len(gpus), windows), -1, np.int64)
    column = (r.start_ms - span[0]) // r.window_ms
    klass[r.gpu, column] = decisions.klass
    rule[r.gpu, column] = decisions.rule
    row[r.gpu, column] = np.arange(len(r))
    phantom = policy.rule("phantom")
    if phantom is not None:
        for index, gpu in enumerate(gpus):
            if not gpu.in_data:
                klass[index] = CLASSES.index(phantom.klass)
                rule[index] = names.index("phantom")
    return Grid(tuple(gpus), span[0], r.window_ms, klass, rule, row)


def _gpu_rows(
    r: Rollups, inventory: Sequence[InventoryGpu] | None, site: str | None
) -> list[GpuRow]:
    """GPUs with data (numbered as in the rollups), then inventory GPUs without data."""
    listed = {(g.site, g.gpu_uuid): g for g in inventory} if inventory is not None else None
    first = np.flatnonzero(np.r_[True, r.gpu[1:] != r.gpu[:-1]]) if len(r) else np.empty(0, int)
    rows = []
    for i in first:
        key = (r.label("site", int(i)), r.label("gpu_uuid", int(i)))
        known = None if listed is None else key in listed
        rows.append(GpuRow(*key, r.label("node", int(i)), r.label("model", int(i)), True, known))
    seen = {(g.site, g.gpu_uuid) for g in rows}
    for gpu in inventory or ():
        if (gpu.site, gpu.gpu_uuid) not in seen and site in (None, gpu.site):
            rows.append(GpuRow(gpu.site, gpu.gpu_uuid, gpu.node, gpu.model, False, True))
            seen.add((gpu.site, gpu.gpu_uuid))
    return rows
