"""Tiered heuristics: GPU packing and GPU clustering (the FGD paper's baselines).

Each scores an option as tier + tie-break, the tie-break in [0, 1), so a lower tier always wins;
"fullest node first" uses `free_share`, a node's free GPU milli over (GPU slots · 1000 + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.placement.packing.policy import (
    Candidates,
    free_share,
    tightest_gpu,
    with_gpu_preference,
)
from suanli.placement.packing.snapshot import FloatArray, Snapshot, count_per_row
from suanli.units import MILLI


def used_nodes(snapshot: Snapshot) -> FloatArray:
    """1.0 for a node with at least one GPU partly or wholly taken, else 0.0."""
    taken = (snapshot.gpu_free >= 0) & (snapshot.gpu_free < MILLI)
    return (count_per_row(taken) > 0).astype(np.float64)


@dataclass(frozen=True, slots=True)
class PackingScorer:
    """GPU packing. Tiers, best first:
        0. share a partly used GPU (the one with least free milli first);
        1. take whole GPUs on a node already in use (the fullest node first);
        2. take whole GPUs on an idle node (fewest GPUs first, keeping big nodes whole).
    A pod without GPUs goes where the least GPU is free (CPU-only nodes first).
    """

    def scores(self, c: Candidates) -> FloatArray:
        s = c.snapshot
        if c.pod.num_gpu == 0:
            return free_share(s)
        used = used_nodes(s)
        fresh = (
            2.0
            - used
            + np.where(used > 0, free_share(s), s.nodes.gpu_count / (s.nodes.width + 1.0))
        )
        if not c.shares_gpu:
            return fresh
        partly = s.gpu_free < MILLI
        return np.where(partly, tightest_gpu(c), fresh[:, None])


@dataclass(frozen=True, slots=True)
class ClusteringScorer:
    """GPU clustering: pods with the same per-GPU request (kind) together. Tiers, best first:
        0. nodes hosting only this kind;  1. nodes hosting this kind among others;
        2. nodes hosting no GPU pod;       3. nodes hosting other kinds only;
    the fullest node first within a tier, the tightest GPU within a node. CPU pods: first fit.
    """

    def scores(self, c: Candidates) -> FloatArray:
        s, pod = c.snapshot, c.pod
        if pod.num_gpu == 0:
            return np.zeros(s.nodes.size)
        kinds = np.count_nonzero(s.kind_pods, axis=1)
        mine = (
            s.kind_pods[:, s.kinds.index(pod.gpu_milli)] > 0
            if pod.gpu_milli in s.kinds
            else np.zeros(s.nodes.size, dtype=np.bool_)
        )
        tier = np.select([mine & (kinds == 1), mine, kinds == 0], [0.0, 1.0, 2.0], default=3.0)
        nodes = tier + free_share(s)
        return with_gpu_preference(nodes, tightest_gpu(c)) if c.shares_gpu else nodes
