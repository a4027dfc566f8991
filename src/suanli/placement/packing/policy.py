"""A policy is a scorer plus one decision rule: the feasible option of least score wins.

Options are nodes, or (node, GPU) pairs for a pod that shares a GPU, so the scorer also picks
which GPU a fractional pod shares. The scheduling cycle for one pod:
    1. fit: the nodes (and GPUs) that meet the hard constraints;
    2. none: report the first constraint that no node meets;
    3. score every option at once (NumPy; infeasible options are masked to +inf here, so a
       scorer cannot break a hard constraint);
    4. take the least score; ties go to the lowest node index, then the lowest GPU index;
    5. a pod that takes whole GPUs takes the lowest-indexed free ones (they are all alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from suanli.domain import Pod
from suanli.placement.packing.fit import Fit, fit, shares_gpu, why_not
from suanli.placement.packing.outcome import Decision, NoFit, Outcome
from suanli.placement.packing.snapshot import FloatArray, IntArray, Snapshot
from suanli.units import MILLI

TIE = 1e-9
"""Weight of a within-node GPU preference (in [0, 1]) next to node scores that differ by more."""


@dataclass(frozen=True, slots=True)
class Candidates:
    """What a scorer sees: the snapshot, the pod and where the pod fits."""

    snapshot: Snapshot
    pod: Pod
    fit: Fit

    @property
    def shares_gpu(self) -> bool:
        return shares_gpu(self.pod)


class Scorer(Protocol):
    def scores(self, c: Candidates) -> FloatArray:
        """Lower is better: shape (nodes, GPUs) when `c.shares_gpu`, else (nodes,)."""
        ...


@dataclass(frozen=True, slots=True)
class Policy:
    """A named scorer that turns a snapshot and a pod into an outcome (never changes state)."""

    name: str
    scorer: Scorer

    def place(self, snapshot: Snapshot, pod: Pod) -> Outcome:
        where = fit(snapshot, pod)  # 1.
        if not where.nodes.any():  # 2.
            return NoFit(pod.id, why_not(snapshot, pod))
        scores = self.scorer.scores(Candidates(snapshot, pod, where))  # 3.
        mask = where.gpus if scores.ndim == 2 else where.nodes
        masked = np.where(mask, scores, np.inf)
        best = int(np.argmin(masked))  # 4.
        if not mask.flat[best]:  # every feasible option scored +inf: take the first one
            best = int(np.flatnonzero(mask)[0])
        if scores.ndim == 2:
            node, gpu = divmod(best, masked.shape[1])
            gpus: tuple[int, ...] = (gpu,)
        else:
            node = best
            gpus = tuple(int(g) for g in np.flatnonzero(where.gpus[node])[: pod.num_gpu])  # 5.
        return Decision(
            pod.id,
            node,
            gpus,
            pod.gpu_milli,
            pod.cpu_milli,
            pod.memory_mib,
            float(masked.flat[best]),
        )


def with_gpu_preference(node_scores: FloatArray, preference: FloatArray) -> FloatArray:
    """(nodes, GPUs) scores: the node's score, then `preference` (in [0, 1]) among its GPUs."""
    return node_scores[:, None] + TIE * preference


def tightest_gpu(c: Candidates) -> FloatArray:
    """Best-fit GPU preference: the GPU with the least free milli that still fits comes first."""
    return c.snapshot.gpu_free / (MILLI + 1.0)


def free_share(snapshot: Snapshot, rows: IntArray | None = None) -> FloatArray:
    """Free GPU milli per node (or per node of `rows`) over (GPU slots × 1000 + 1), in [0, 1):
    a "fuller node first" key."""
    free = snapshot.gpu_free if rows is None else snapshot.gpu_free[rows]
    share: FloatArray = np.maximum(free, 0).sum(axis=1) / (snapshot.nodes.width * MILLI + 1.0)
    return share
