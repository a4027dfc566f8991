"""Replay a pod list on a cluster (no departures), as in the FGD paper's experiments.

The paper inflates the production pod list with random copies of its own pods until the arrived
GPU requests reach a multiple (1.3) of the cluster's GPU capacity, replays it pod by pod (time
ignored) and reports the share of GPU capacity allocated as a function of the share arrived.
`inflate` also shuffles the list, so that each seed gives another arrival order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from suanli.domain import Pod
from suanli.placement.packing.outcome import Decision, Outcome, commit
from suanli.placement.packing.policy import Policy
from suanli.placement.packing.snapshot import Snapshot


def inflate(
    pods: Sequence[Pod], capacity_milli: int, ratio: float, rng: np.random.Generator
) -> list[Pod]:
    """`pods` shuffled, plus random copies (`ID~N`) until Σ GPU requested >= ratio × capacity."""
    target, total = ratio * capacity_milli, sum(p.total_gpu_milli for p in pods)
    extra: list[Pod] = []
    while total < target and any(p.total_gpu_milli for p in pods):
        pod = pods[int(rng.integers(len(pods)))]
        extra.append(replace(pod, id=f"{pod.id}~{len(extra)}"))
        total += pod.total_gpu_milli
    everything = [*pods, *extra]
    return [everything[i] for i in rng.permutation(len(everything))]


@dataclass(frozen=True, slots=True)
class Replay:
    """Outcomes in arrival order and the final snapshot."""

    outcomes: tuple[Outcome, ...]
    final: Snapshot

    def allocated_when_arrived(self, pods: Sequence[Pod], milli: float) -> int:
        """GPU milli allocated once the arrived GPU requests first reach `milli` (or at the end)."""
        arrived = allocated = 0
        for pod, outcome in zip(pods, self.outcomes, strict=True):
            arrived += pod.total_gpu_milli
            if isinstance(outcome, Decision):
                allocated += outcome.total_gpu_milli
            if arrived >= milli:
                break
        return allocated


def replay(policy: Policy, snapshot: Snapshot, pods: Sequence[Pod]) -> Replay:
    """Place `pods` one by one, committing each decision before the next pod is placed."""
    outcomes: list[Outcome] = []
    for pod in pods:
        outcome = policy.place(snapshot, pod)
        if isinstance(outcome, Decision):
            snapshot = commit(snapshot, outcome)
        outcomes.append(outcome)
    return Replay(tuple(outcomes), snapshot)
