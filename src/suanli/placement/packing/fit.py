"""The hard constraints, for every node at once, and why nothing fits when nothing does.

A pod (c CPU milli, r MiB, k GPUs of m milli each, allowed models A) fits node i iff
    cpu_free[i] >= c,  memory_free[i] >= r,  (k == 0 or model(i) ∈ A, A empty meaning any),
    #{g : gpu_free[i, g] >= m} >= k.
For k >= 2 the domain fixes m = 1000, so the k GPUs are whole free GPUs on that one node; a
fractional pod (k = 1, m < 1000) shares any one GPU with at least m milli free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.domain import Pod
from suanli.placement.packing.snapshot import BoolArray, Snapshot, count_per_row
from suanli.units import MILLI


@dataclass(frozen=True, slots=True)
class Fit:
    """`nodes[i]`: the pod fits node i; `gpus[i, g]`: GPU g of a fitting node i can hold one of
    the pod's GPUs (free >= m). `gpus` is all False for a pod that needs no GPU."""

    nodes: BoolArray
    gpus: BoolArray


def shares_gpu(pod: Pod) -> bool:
    """True for a pod that takes part of one GPU (k = 1, m < 1000)."""
    return pod.num_gpu == 1 and pod.gpu_milli < MILLI


def fit(snapshot: Snapshot, pod: Pod) -> Fit:
    """Where `pod` fits in `snapshot`."""
    allowed = snapshot.nodes.allowed(pod.allowed_gpu_models, needs_gpu=pod.num_gpu > 0)
    nodes = (snapshot.cpu_free >= pod.cpu_milli) & (snapshot.memory_free >= pod.memory_mib)
    nodes &= allowed
    if pod.num_gpu == 0:
        return Fit(nodes, np.zeros(snapshot.gpu_free.shape, dtype=np.bool_))
    gpus = snapshot.gpu_free >= pod.gpu_milli
    nodes &= count_per_row(gpus) >= pod.num_gpu
    gpus &= nodes[:, None]
    return Fit(nodes, gpus)


def why_not(snapshot: Snapshot, pod: Pod) -> str:
    """The constraints of the module docstring, added one by one until no node meets them all:
    "no node has 4 GPUs of T4, 8000 milli-CPU free, 16384 MiB free and 4 free GPUs"."""
    nodes, k = snapshot.nodes, pod.num_gpu
    conditions: list[tuple[BoolArray, str]] = []
    if k > 0:
        models = " or ".join(pod.allowed_gpu_models) or "any model"
        allowed = nodes.allowed(pod.allowed_gpu_models, needs_gpu=True)
        conditions.append((allowed & (nodes.gpu_count >= k), f"{_gpus(k)} of {models}"))
    conditions.append((snapshot.cpu_free >= pod.cpu_milli, f"{pod.cpu_milli} milli-CPU free"))
    conditions.append((snapshot.memory_free >= pod.memory_mib, f"{pod.memory_mib} MiB free"))
    if k > 0:
        enough = count_per_row(snapshot.gpu_free >= pod.gpu_milli) >= k
        whole = pod.gpu_milli == MILLI
        text = f"{k} free GPU{'s' * (k > 1)}" if whole else f"a GPU with {pod.gpu_milli} milli free"
        conditions.append((enough, text))
    where = np.ones(nodes.size, dtype=np.bool_)
    for n, (mask, _) in enumerate(conditions):
        where &= mask
        if not where.any():
            said = [text for _, text in conditions[: n + 1]]
            return "no node has " + ", ".join(said[:-1]) + " and " * (n > 0) + said[-1]
    return "it fits"  # only reached when asked about a pod that fits somewhere


def _gpus(k: int) -> str:
    return f"{k} GPU{'s' * (k > 1)}"
