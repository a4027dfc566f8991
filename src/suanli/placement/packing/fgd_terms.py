"""Fragmentation (fragmentation.py) rewritten for arrays: frag = F − S, with per-node caches.

With F = Σ_g f_g and Σ_t w_t = 1, frag = Σ_t w_t (F − usable_t) = F − S, where
    S   = Σ_t w_t · b_t · [N_t >= k_t] · U_t,   b_t = [c >= c_t] [r >= r_t] [μ ∈ A_t],
    U_t = Σ_g f_g [f_g >= m_t],                 N_t = #{g : f_g >= m_t}.
Group 1, k_t = 1: [N_t >= 1] U_t = U_t. Group 2, k_t >= 2 (so m_t = 1000): U_t = 1000 N, N the
count of wholly free GPUs. Grouping classes by m (distinct values μ_1 < ... < μ_M) and by k
(κ_1 < ... < κ_K):
    S = Σ_j Q_j U(μ_j) + 1000 N R(N),   Q_j = Σ_{t ∈ 1, m_t = μ_j} w_t b_t,
                                         R(N) = Σ_{t ∈ 2, k_t <= N} w_t b_t.
Tables hold counts instead of weights (S scaled by Σ count, exact integers; see mix.py).
b_t depends on the node only through its model, its CPU step #{c_t <= c} and its memory step, so
the prefix sums P_j = Q_1 + ... + Q_j and R are tabulated once per (model, CPU step, memory step)
cell: a node's weights are one table row, found by two binary searches.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from suanli.placement.packing.mix import TaskClass, TaskMix
from suanli.placement.packing.policy import free_share
from suanli.placement.packing.snapshot import FloatArray, IntArray, Nodes, Snapshot, count_per_row
from suanli.units import MILLI

RANK_OFFSET = MILLI + 1
"""f − m >= −1 − 1000 for any GPU slot f >= −1 and request m <= 1000."""


@dataclass(frozen=True, slots=True)
class MixTables:
    """Per cell: `single[cell, j]` = P_j (P_0 = 0) and `whole[cell, n]` = 1000 · n · R(n);
    `rank[f + RANK_OFFSET]` = #{j : μ_j <= f} for f in −1001..1000, a lookup, not a search."""

    cpu_steps: IntArray
    memory_steps: IntArray
    milli: IntArray
    rank: IntArray
    single: FloatArray
    whole: FloatArray
    slot_cell: IntArray
    steps: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]

    def cells(self, rows: IntArray, cpu: IntArray, memory: IntArray) -> IntArray:
        """Table rows of nodes `rows` when they have `cpu` and `memory` free."""
        a = np.searchsorted(self.cpu_steps, cpu, side="right")
        b = np.searchsorted(self.memory_steps, memory, side="right")
        return self.slot_cell[rows] + a * (self.memory_steps.size + 1) + b

    def cell(self, i: int, cpu: int, memory: int) -> int:
        """`cells` for one node, with Python values (`steps` holds the steps as tuples)."""
        cpu_steps, memory_steps, _ = self.steps
        a, b = bisect_right(cpu_steps, cpu), bisect_right(memory_steps, memory)
        return int(self.slot_cell[i]) + a * (len(memory_steps) + 1) + b


def mix_tables(mix: TaskMix, nodes: Nodes) -> MixTables:
    """Tabulate the mix for one cluster's GPU models (slot len(models): nodes without GPU)."""
    one = [t for t in mix.classes if t.num_gpu <= 1]
    many = [t for t in mix.classes if t.num_gpu > 1]
    cpu = np.unique([t.cpu_milli for t in mix.classes]).astype(np.int64)
    memory = np.unique([t.memory_mib for t in mix.classes]).astype(np.int64)
    milli = np.unique([t.gpu_milli for t in one]).astype(np.int64)
    counts = np.unique([t.num_gpu for t in many]).astype(np.int64)
    cell_shape = (len(nodes.models) + 1, cpu.size + 1, memory.size + 1)
    single = _prefix_table(one, nodes, cell_shape, cpu, memory, milli, lambda t: t.gpu_milli)
    multi = _prefix_table(many, nodes, cell_shape, cpu, memory, counts, lambda t: t.num_gpu)
    n = np.arange(nodes.width + 1)
    whole = MILLI * n * multi[:, np.searchsorted(counts, n, side="right")]
    slot = np.where(nodes.node_model >= 0, nodes.node_model, len(nodes.models))
    rank = np.searchsorted(milli, np.arange(-RANK_OFFSET, MILLI + 1), side="right")
    cells = slot * cell_shape[1] * cell_shape[2]
    steps = (tuple(cpu.tolist()), tuple(memory.tolist()), tuple(rank.tolist()))
    return MixTables(cpu, memory, milli, rank, single, whole, cells, steps)


def _prefix_table(
    group: list[TaskClass],
    nodes: Nodes,
    cell_shape: tuple[int, int, int],
    cpu: IntArray,
    memory: IntArray,
    values: IntArray,
    value: Callable[[TaskClass], int],
) -> FloatArray:
    """Σ w_t over classes with c_t <= step a, r_t <= step b, model ok and value rank <= j."""
    table = np.zeros((*cell_shape, values.size + 1))
    for t in group:
        ok = [not t.allowed_gpu_models or m in t.allowed_gpu_models for m in nodes.models]
        a = int(np.searchsorted(cpu, t.cpu_milli)) + 1
        b = int(np.searchsorted(memory, t.memory_mib)) + 1
        j = int(np.searchsorted(values, value(t))) + 1
        table[np.array([*ok, False]), a, b, j] += t.count
    for axis in (1, 2, 3):
        np.cumsum(table, axis=axis, out=table)
    return table.reshape(-1, values.size + 1)


def usable_by_step(gpu_free: IntArray, t: MixTables) -> FloatArray:
    """V[i, j] = Σ_g f[i, g] · [μ_j <= f[i, g] < μ_{j+1}], so that U(μ_j) = Σ_{l >= j} V[i, l]
    and Σ_j Q_j U(μ_j) = Σ_j P_j V_j. GPUs below μ_1 (and absent ones, -1) count nowhere."""
    rows, m = gpu_free.shape[0], t.milli.size + 1
    rank = t.rank[gpu_free + RANK_OFFSET]
    flat = (np.arange(rows)[:, None] * m + rank).ravel()
    v = np.asarray(np.bincount(flat, weights=gpu_free.ravel(), minlength=rows * m), np.float64)
    return v.reshape(rows, m)[:, 1:]


def whole_free(gpu_free: IntArray) -> IntArray:
    """N[i]: wholly free GPUs of node i."""
    return count_per_row(gpu_free == MILLI)


class NodeTerms:
    """V, N, S and the fuller-first tie-break F / (GPU slots · 1000 + 1) for every node of one
    snapshot (`token`); `refresh` updates the changed rows of a child snapshot."""

    def __init__(self, tables: MixTables, snapshot: Snapshot) -> None:
        self.tables, self.token = tables, snapshot.token
        self.usable = usable_by_step(snapshot.gpu_free, tables)
        self.whole = whole_free(snapshot.gpu_free)
        self.s = self._s(snapshot, np.arange(snapshot.nodes.size))
        self.fuller = free_share(snapshot)

    def _s(self, snapshot: Snapshot, rows: IntArray) -> FloatArray:
        t = self.tables
        cells = t.cells(rows, snapshot.cpu_free[rows], snapshot.memory_free[rows])
        s1: FloatArray = np.einsum("ij,ij->i", t.single[cells, 1:], self.usable[rows])
        return s1 + t.whole[cells, self.whole[rows]]

    def refresh(self, snapshot: Snapshot) -> None:
        """Bring the terms to `snapshot`, a child of the one they describe."""
        for i in snapshot.changed:
            self._refresh_node(snapshot, i)
        self.token = snapshot.token

    def _refresh_node(self, snapshot: Snapshot, i: int) -> None:
        """The terms of one node, with Python scalars (a handful of values; NumPy calls would
        cost more than the arithmetic). Same exact integer sums as the array version."""
        t, free = self.tables, snapshot.gpu_free[i].tolist()
        rank = t.steps[2]
        v = [0] * (t.milli.size + 1)
        for f in free:
            v[rank[f + RANK_OFFSET]] += f
        self.usable[i] = v[1:]
        self.whole[i] = whole = free.count(MILLI)
        cell = t.cell(i, int(snapshot.cpu_free[i]), int(snapshot.memory_free[i]))
        self.s[i] = float(np.dot(t.single[cell, 1:], self.usable[i])) + t.whole[cell, whole]
        self.fuller[i] = sum(max(f, 0) for f in free) / (snapshot.nodes.width * MILLI + 1.0)


def fragmentation(snapshot: Snapshot, mix: TaskMix) -> FloatArray:
    """frag per node (milli-GPU) = F − S; sums to the cluster's expected fragmented GPU."""
    terms = NodeTerms(mix_tables(mix, snapshot.nodes), snapshot)
    return snapshot.free_gpu_milli() - terms.s / max(mix.total, 1)
