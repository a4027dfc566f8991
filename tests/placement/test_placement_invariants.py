"""Hypothesis invariants of every placement policy: capacity, gangs, filters, SLOs, determinism."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from placement_cases import random_instance

from suanli.catalog import canonical_gpu_name, decode_h100_equivalent
from suanli.domain import Workload
from suanli.network import LatencyModel
from suanli.placement import POLICIES, Plan, Problem, Snapshot, SolverOptions, plan
from suanli.placement.greedy import greedy
from suanli.placement.milp import build_milp
from suanli.placement.optimizer import encode
from suanli.placement.policies import optimal_policy

TOL = 1e-6


def _allowed(names: tuple[str, ...], model: str) -> bool:
    return not names or model in {canonical_gpu_name(n) for n in names}


def check_training(snapshot: Snapshot, work: Workload, result: Plan) -> dict[str, int]:
    """Gangs whole in one pool, allowed model, price and deadline kept; GPUs used per pool."""
    jobs = {j.id: j for j in work.training_jobs}
    used: dict[str, int] = defaultdict(int)
    for p in result.placements:
        job, i = jobs[p.job], snapshot.pool_index(p.pool)
        assert p.gpus == job.gpus
        assert p.gpu_model == snapshot.models[i].name
        assert p.site == snapshot.sites[i].id
        assert _allowed(job.allowed_gpu_models, p.gpu_model)
        assert snapshot.price[i] <= job.max_price_yuan_per_gpu_hour + TOL
        assert p.est_hours <= job.deadline_hours + TOL
        used[p.pool] += p.gpus
    placed = [p.job for p in result.placements]
    assert len(placed) == len(set(placed)), "a job placed twice: gang split"
    unplaced = {u.job for u in result.unplaced}
    assert set(placed) | unplaced >= set(jobs)
    assert not set(placed) & unplaced
    return used


def check_services(
    snapshot: Snapshot, work: Workload, latency: LatencyModel, result: Plan
) -> dict[str, int]:
    """Replicas fit a node, allowed model and price; routes within the SLO; served <= demand and
    <= replica capacity; GPUs used per pool."""
    services = {s.id: s for s in work.services}
    used: dict[str, int] = defaultdict(int)
    served: dict[tuple[str, str], float] = defaultdict(float)
    for r in result.replicas:
        svc, i = services[r.service], snapshot.pool_index(r.pool)
        demand = {d.region: d.rps for d in svc.demand}
        assert r.replicas > 0 and r.gpus_per_replica <= snapshot.gpus_per_node[i]
        assert _allowed(svc.allowed_gpu_models, r.gpu_model)
        limit = svc.max_price_yuan_per_h100_decode_hour * decode_h100_equivalent(r.gpu_model)
        assert snapshot.price[i] <= limit + TOL
        load = 0.0
        for region, share in r.region_share.items():
            assert latency.rtt(r.site, region) <= svc.latency_slo_rtt_ms + TOL
            assert demand[region] > 0 and 0 < share <= 1 + TOL
            served[(svc.id, region)] += share
            load += share * demand[region]
        assert load <= r.replicas * r.rps_per_replica * (1 + TOL) + TOL
        used[r.pool] += r.replicas * r.gpus_per_replica
    assert all(total <= 1 + TOL for total in served.values())
    return used


def check_plan(snapshot: Snapshot, work: Workload, latency: LatencyModel, result: Plan) -> None:
    used = check_training(snapshot, work, result)
    for pool, n in check_services(snapshot, work, latency, result).items():
        used[pool] += n
    for pool, n in used.items():
        assert n <= snapshot.free_gpus[snapshot.pool_index(pool)], f"pool {pool} over capacity"
    assert result.lower_bound_yuan <= result.objective_yuan + TOL * max(1, result.objective_yuan)
    assert result.gap >= 0
    json.dumps(result.to_dict())


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    jobs=st.integers(0, 12),
    services=st.integers(0, 3),
    pools=st.integers(1, 6),
    policy=st.sampled_from(sorted(POLICIES)),
)
def test_every_policy_keeps_the_invariants(
    seed: int, jobs: int, services: int, pools: int, policy: str
) -> None:
    snapshot, work, latency = random_instance(seed, jobs=jobs, services=services, pools=pools)
    result = plan(snapshot, work, latency, policy=policy, time_limit=30.0)
    check_plan(snapshot, work, latency, result)
    again = plan(snapshot, work, latency, policy=policy, time_limit=30.0)
    assert again.to_dict() | {"solve_seconds": 0} == result.to_dict() | {"solve_seconds": 0}


def test_same_inputs_give_byte_identical_json_with_an_injected_clock() -> None:
    snapshot, work, latency = random_instance(3, jobs=10, services=3, pools=5)
    dumps = {
        json.dumps(plan(snapshot, work, latency, clock=lambda: 0.0).to_dict(), sort_keys=True)
        for _ in range(3)
    }
    assert len(dumps) == 1


@pytest.mark.parametrize("seed", range(5))
def test_cover_cuts_keep_every_feasible_decision(seed: int) -> None:
    """Block (5) holds for integer plans: greedy's and the optimizer's satisfy every row."""
    snapshot, work, latency = random_instance(seed, jobs=10, services=3, pools=6)
    problem = Problem.build(snapshot, work, latency)
    model = build_milp(problem)
    optimal = optimal_policy(problem, SolverOptions(mip_gap=0.0), lambda: 30.0).assignment
    for decision in (greedy(problem), optimal):
        col = encode(problem, model, decision)
        activity = np.zeros(model.row_upper.size)
        np.add.at(activity, model.index, model.value * np.repeat(col, np.diff(model.start)))
        assert np.all(activity <= model.row_upper + 1e-6)
