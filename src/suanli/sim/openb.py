"""The fragmentation experiment of the FGD paper (USENIX ATC'23) on the openb trace.

Method, as the paper and the issue state it:
1. load the cluster's nodes and the pod list;
2. tune: append pods drawn uniformly at random (with replacement, seeded) from the original list
   until the next one would push the total GPU request (num_gpu × gpu_milli) past
   `tune` × the cluster's GPU capacity;
3. shuffle the whole list with the same seeded generator;
4. submit pods one at a time to the placement policy; a pod that fits nowhere fails and is not
   retried; nothing departs;
5. each time the arrived GPU request crosses a whole percent of capacity, record the allocation
   ratio (allocated milli-GPU / total milli-GPU capacity).
The placement code is the exchange's own (`suanli.placement.packing`); only the loop is here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from suanli.domain import Pod
from suanli.errors import InvalidValueError
from suanli.placement.packing import Decision, Outcome, Snapshot, make_policy, replay

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """Allocated share of GPU capacity (%) when the arrived request first reached `arrived_pct`."""

    arrived_pct: int
    allocated_pct: float


@dataclass(frozen=True, slots=True)
class OpenbRun:
    """One run of the experiment: the curve, the headline figure and what failed."""

    policy: str
    seed: int
    curve: tuple[CurvePoint, ...]
    alloc_at_100: float
    failed_pods: int
    pods: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "seed": self.seed,
            "curve": [
                {"arrived_pct": c.arrived_pct, "allocated_pct": c.allocated_pct} for c in self.curve
            ],
            "alloc_at_100": self.alloc_at_100,
            "failed_pods": self.failed_pods,
            "pods": self.pods,
            "seconds": round(self.seconds, 3),
        }


def tune_pods(
    pods: Sequence[Pod], capacity_milli: int, tune: float, rng: np.random.Generator
) -> list[Pod]:
    """Steps 2 and 3: the list with random copies (ids `NAME~K`) appended, then shuffled.

    Unlike `placement.packing.inflate`, which stops once the target is reached (one pod past
    it), this stops before the pod that would pass it, as the issue states the method."""
    if tune <= 0:
        raise InvalidValueError(f"tune must be > 0, got {tune}; the paper uses 1.3")
    if not any(p.total_gpu_milli for p in pods):
        raise InvalidValueError("the pod list requests no GPU; give a list with GPU pods")
    target, total = tune * capacity_milli, sum(p.total_gpu_milli for p in pods)
    tuned = list(pods)
    while True:
        pod = pods[int(rng.integers(len(pods)))]
        if total + pod.total_gpu_milli > target:
            break
        tuned.append(replace(pod, id=f"{pod.id}~{len(tuned) - len(pods)}"))
        total += pod.total_gpu_milli
    return [tuned[i] for i in rng.permutation(len(tuned))]


def run_openb(
    snapshot: Snapshot,
    pods: Sequence[Pod],
    *,
    policy: str,
    seed: int,
    tune: float = 1.3,
    clock: Clock = time.perf_counter,
) -> OpenbRun:
    """Steps 2–5 on an empty cluster `snapshot`; `clock` only times the run."""
    started = clock()
    tuning_rng, policy_rng = np.random.default_rng(seed).spawn(2)
    capacity = snapshot.gpu_capacity_milli()
    tuned = tune_pods(pods, capacity, tune, tuning_rng)
    outcomes = replay(make_policy(policy, rng=policy_rng, workload=pods), snapshot, tuned).outcomes
    curve, allocated = _curve(tuned, outcomes, capacity)
    failed = sum(1 for o in outcomes if not isinstance(o, Decision))
    at_100 = curve[99].allocated_pct if len(curve) >= 100 else round(100 * allocated / capacity, 3)
    return OpenbRun(policy, seed, tuple(curve), at_100, failed, len(tuned), clock() - started)


def _curve(
    pods: Sequence[Pod], outcomes: Sequence[Outcome], capacity: int
) -> tuple[list[CurvePoint], int]:
    """Step 5: the allocation ratio each time the arrived request crosses a whole percent."""
    curve: list[CurvePoint] = []
    arrived = allocated = 0
    for pod, outcome in zip(pods, outcomes, strict=True):
        if isinstance(outcome, Decision):
            allocated += outcome.total_gpu_milli
        arrived += pod.total_gpu_milli
        while arrived * 100 >= (len(curve) + 1) * capacity:
            curve.append(CurvePoint(len(curve) + 1, round(100 * allocated / capacity, 3)))
    return curve, allocated


def summarize_runs(runs: Sequence[OpenbRun]) -> dict[str, Any]:
    """Mean and standard deviation over seeds of `alloc_at_100` and failed pods, per policy."""
    summary: dict[str, Any] = {}
    for name in dict.fromkeys(r.policy for r in runs):
        mine = [r for r in runs if r.policy == name]
        alloc = np.array([r.alloc_at_100 for r in mine])
        summary[name] = {
            "seeds": [r.seed for r in mine],
            "alloc_at_100_mean": round(float(alloc.mean()), 3),
            "alloc_at_100_sd": round(float(alloc.std(ddof=1)) if len(mine) > 1 else 0.0, 3),
            "failed_pods_mean": round(float(np.mean([r.failed_pods for r in mine])), 1),
            "seconds_mean": round(float(np.mean([r.seconds for r in mine])), 3),
        }
    return summary
