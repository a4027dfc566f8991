"""The optimizer against brute force on hundreds of small random instances (STYLE.md rule 4)."""

from __future__ import annotations

import pytest
from placement_cases import brute_force, random_instance

from suanli.domain import Workload
from suanli.network import LatencyModel
from suanli.placement import Problem, Snapshot, plan

SEEDS = range(300)


def _instance(seed: int) -> tuple[Snapshot, Workload, LatencyModel]:
    return random_instance(
        seed, jobs=seed % 6, services=(seed // 6) % 2, pools=1 + (seed // 12) % 3, regions=3
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_optimal_equals_brute_force_and_greedy_is_never_better(seed: int) -> None:
    snapshot, work, latency = _instance(seed)
    expected = brute_force(Problem.build(snapshot, work, latency))
    optimal = plan(snapshot, work, latency, policy="optimal", time_limit=60.0, mip_gap=0.0)
    greedy = plan(snapshot, work, latency, policy="greedy")
    tolerance = 1e-6 * max(1.0, abs(expected)) + 1e-3
    assert optimal.objective_yuan == pytest.approx(expected, abs=tolerance)
    assert optimal.status == "optimal"
    assert optimal.lower_bound_yuan <= optimal.objective_yuan + tolerance
    assert greedy.objective_yuan >= expected - tolerance
    assert greedy.lower_bound_yuan <= expected + tolerance
