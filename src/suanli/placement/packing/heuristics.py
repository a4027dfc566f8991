"""The classic heuristics: random, first fit, best fit and Tetris' dot product.

Resources are compared in a common scale: each dimension r ∈ {CPU, memory, GPU} is divided by
the largest node's capacity max_r (the cluster's "max spec"), so 1.0 is one biggest node's worth.
Every fractional pod shares the tightest GPU that fits (best fit) except under `random`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.placement.packing.policy import Candidates, tightest_gpu, with_gpu_preference
from suanli.placement.packing.snapshot import FloatArray, Snapshot
from suanli.units import MILLI


def max_spec(snapshot: Snapshot) -> FloatArray:
    """(max CPU, max memory, max GPU milli) over the nodes, each at least 1."""
    nodes = snapshot.nodes
    spec = [nodes.cpu_capacity.max(), nodes.memory_capacity.max(), MILLI * nodes.gpu_count.max()]
    return np.maximum(np.array(spec, dtype=np.float64), 1.0)


def free_and_demand(c: Candidates) -> tuple[FloatArray, FloatArray]:
    """Free vectors (nodes × 3) and the demand vector (3,), both in max-spec units."""
    s, p = c.snapshot, c.pod
    scale = max_spec(s)
    free = np.stack([s.cpu_free, s.memory_free, s.free_gpu_milli()], axis=1) / scale
    demand = np.array([p.cpu_milli, p.memory_mib, p.total_gpu_milli], dtype=np.float64) / scale
    return free, demand


def node_or_gpu(c: Candidates, node_scores: FloatArray) -> FloatArray:
    """Node scores, spread over GPUs with the best-fit GPU first when the pod shares one."""
    return with_gpu_preference(node_scores, tightest_gpu(c)) if c.shares_gpu else node_scores


@dataclass(frozen=True, slots=True)
class RandomScorer:
    """A uniformly random node, then a uniformly random GPU in it; `rng` is injected."""

    rng: np.random.Generator

    def scores(self, c: Candidates) -> FloatArray:
        nodes = self.rng.random(c.snapshot.nodes.size)
        if not c.shares_gpu:
            return nodes
        return with_gpu_preference(nodes, self.rng.random(c.snapshot.gpu_free.shape))


@dataclass(frozen=True, slots=True)
class FirstFitScorer:
    """The lowest-indexed node that fits, and in it the lowest-indexed GPU."""

    def scores(self, c: Candidates) -> FloatArray:
        if c.shares_gpu:
            return np.zeros(c.snapshot.gpu_free.shape)
        return np.zeros(c.snapshot.nodes.size)


@dataclass(frozen=True, slots=True)
class BestFitScorer:
    """Least remaining resources after placement: score(i) = Σ_r (free_r(i) - d_r) / max_r."""

    def scores(self, c: Candidates) -> FloatArray:
        free, demand = free_and_demand(c)
        return node_or_gpu(c, (free - demand).sum(axis=1))


@dataclass(frozen=True, slots=True)
class DotProductScorer:
    """Tetris' alignment: the node maximising Σ_r (d_r / max_r)(free_r(i) / max_r) wins."""

    def scores(self, c: Candidates) -> FloatArray:
        free, demand = free_and_demand(c)
        return node_or_gpu(c, -(free @ demand))
