"""Fragmentation Gradient Descent: place each pod where expected fragmentation grows least.

Score of an option (node i, and GPU g for a fractional pod) = Δfrag = ΔF − (S' − S), with the
terms of fgd_terms.py (in counts, exact, divided by Σ count once at the end); ΔF = −k·m is the
pod's own GPU. After the pod (c_p, r_p, k, m) lands the node has c − c_p CPU and r − r_p
memory, which selects a new table row (P', R'), and:
    group 1: S₁' = Σ_j Q'_j U(μ_j) − T, where T sums, over the GPUs the pod takes (f' = f − m),
             T_g = f·P'(#{j : μ_j <= f}) − f'·P'(#{j : μ_j <= f'})
             (each class t with m_t <= f stops counting f and counts f' if m_t <= f');
             a whole GPU (f = 1000, f' = 0) gives T_g = 1000·P'_M;
    group 2: S₂' = 1000·N'·R'(N'), N' = N − (wholly free GPUs the pod takes).
Ties: in counts Δ is an integer, so adding the node's free GPU share (in [0, 1)) before dividing
breaks ties towards the fuller node without reordering unequal scores (then lowest index).
Cost per pod: a few operations on arrays of candidates × (GPUs or m-values); no loop over nodes.
"""

from __future__ import annotations

import numpy as np

from suanli.placement.packing.fgd_terms import RANK_OFFSET, MixTables, NodeTerms, mix_tables
from suanli.placement.packing.mix import TaskMix
from suanli.placement.packing.policy import Candidates
from suanli.placement.packing.snapshot import FloatArray, IntArray, Nodes, Snapshot
from suanli.units import MILLI


class FgdScorer:
    """The FGD scorer for one task mix; keeps the per-node terms of the last snapshot it saw."""

    def __init__(self, mix: TaskMix) -> None:
        self.mix, self.total = mix, max(mix.total, 1)
        self._nodes: Nodes | None = None
        self._tables: MixTables | None = None
        self._terms: NodeTerms | None = None

    def terms(self, snapshot: Snapshot) -> NodeTerms:
        """Cached terms: reused, refreshed for the changed nodes of a child, or rebuilt."""
        if self._tables is None or self._nodes is not snapshot.nodes:
            self._nodes, self._tables = snapshot.nodes, mix_tables(self.mix, snapshot.nodes)
            self._terms = None
        terms = self._terms
        if terms is not None and terms.token is snapshot.token:
            return terms
        if terms is not None and terms.token is snapshot.parent:
            terms.refresh(snapshot)
            return terms
        self._terms = NodeTerms(self._tables, snapshot)
        return self._terms

    def scores(self, c: Candidates) -> FloatArray:
        s, pod, terms = c.snapshot, c.pod, self.terms(c.snapshot)
        t, rows = terms.tables, np.flatnonzero(c.fit.nodes)
        cells = t.cells(
            rows, s.cpu_free[rows] - pod.cpu_milli, s.memory_free[rows] - pod.memory_mib
        )
        prefix = t.single[cells]
        base = np.einsum("ij,ij->i", prefix[:, 1:], terms.usable[rows]) - terms.s[rows]
        whole = terms.whole[rows]
        if c.shares_gpu:
            return self._sharing(c, t, rows, cells, prefix, base, whole)
        taken = pod.num_gpu if pod.gpu_milli == MILLI else 0
        after = t.whole[cells, whole - taken] - taken * MILLI * prefix[:, -1]
        out = np.full(s.nodes.size, np.inf)
        delta = -self.total * pod.total_gpu_milli - (base + after)
        out[rows] = (delta + terms.fuller[rows]) / self.total
        return out

    def _sharing(
        self,
        c: Candidates,
        t: MixTables,
        rows: IntArray,
        cells: IntArray,
        prefix: FloatArray,
        base: FloatArray,
        whole: IntArray,
    ) -> FloatArray:
        """Scores of the GPUs that can hold the pod (m milli of GPU g, f' = f − m, N' = N −
        [f = 1000]): Δ = −m − (base + S₂'(N') − T_g), computed only where the pod fits."""
        m, gpu_free = c.pod.gpu_milli, c.snapshot.gpu_free
        options = np.flatnonzero(c.fit.gpus)
        node = options // gpu_free.shape[1]
        row_of = np.zeros(gpu_free.shape[0], dtype=np.int64)
        row_of[rows] = np.arange(rows.size)
        row = row_of[node]
        f = gpu_free.ravel()[options]
        flat, start = prefix.ravel(), row * prefix.shape[1]
        t_g = f * flat[start + t.rank[f + RANK_OFFSET]]
        t_g -= (f - m) * flat[start + t.rank[f + (RANK_OFFSET - m)]]
        keep, lose = t.whole[cells, whole], t.whole[cells, np.maximum(whole - 1, 0)]
        s2 = np.where(f == MILLI, lose[row], keep[row])
        out = np.full(gpu_free.shape, np.inf)
        delta = -self.total * m - (base[row] + s2 - t_g)
        out.ravel()[options] = (delta + self.terms(c.snapshot).fuller[node]) / self.total
        return out
