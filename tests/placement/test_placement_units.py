"""Snapshot, cost model, plan JSON, the policy registry and the time-limit fallback."""

from __future__ import annotations

import numpy as np
import pytest
from placement_cases import pool, random_instance, region, site

from suanli.catalog.china import build_china_network
from suanli.catalog.workloads import generate_workload
from suanli.domain import InferenceService, Network, RegionDemand, TrainingJob, Workload
from suanli.errors import InvalidValueError, UnknownNameError
from suanli.network import LatencyModel
from suanli.placement import CostModel, Problem, Snapshot, plan
from suanli.placement.costs import ServiceShape, replica_gpus, replica_rps
from suanli.placement.problem import capacity_free_bound

NET = Network(
    "units",
    sites=(
        site("bj", "beijing", (pool("bj-h100", "H100", 2, 12.0), pool("bj-a800", "A800", 1, 6.0))),
        site("sh", "shanghai", (pool("sh-l40s", "L40S", 1, 4.5),)),
    ),
    regions=(region("beijing"), region("shanghai")),
)


def test_snapshot_takes_used_gpus_and_price_overrides() -> None:
    snap = Snapshot.of(NET, used_gpus={"bj-h100": 10}, prices={"sh-l40s": 3.0})
    assert snap.free_gpus.tolist() == [6, 8, 8]
    assert snap.price.tolist() == [12.0, 6.0, 3.0]
    assert snap.model_names == ("H100", "A800", "L40S")
    assert not snap.free_gpus.flags.writeable


@pytest.mark.parametrize(
    ("used", "prices", "error"),
    [
        ({"nope": 1}, {}, UnknownNameError),
        ({}, {"nope": 1.0}, UnknownNameError),
        ({"bj-a800": 9}, {}, InvalidValueError),
        ({"bj-a800": -1}, {}, InvalidValueError),
        ({}, {"bj-a800": -0.5}, InvalidValueError),
    ],
)
def test_snapshot_rejects_impossible_inputs(
    used: dict[str, int], prices: dict[str, float], error: type[Exception]
) -> None:
    with pytest.raises(error):
        Snapshot.of(NET, used_gpus=used, prices=prices)


def test_training_needs_scale_with_tflops_and_remote_data_costs_transfer() -> None:
    job = TrainingJob("j", 8, 989.0, 20.0, 1000.0, "shanghai", 1000.0)
    problem = Problem.build(Snapshot.of(NET), Workload("w", training_jobs=(job,)))
    t = problem.training
    assert t.gpu_hours[0].tolist() == pytest.approx([989.0, 989.0 * 989 / 312, 989.0 * 989 / 362])
    # Beijing pools fetch 1,000 GB from Shanghai at 0.05 yuan/GB over 100 Gb/s; Shanghai is local.
    assert t.transfer_yuan[0].tolist() == pytest.approx([50.0, 50.0, 0.0])
    assert t.transfer_hours[0, 0] == pytest.approx(1000 * 8 / 100 / 3600)
    assert t.cost[0, 0] == pytest.approx(12.0 * 989.0 + 50.0)


def test_replica_model_sizes_and_throughput() -> None:
    cm = CostModel()
    gpus = replica_gpus(np.array([14.0, 671.0]), np.array([80.0, 96.0, 24.0]), cm)
    assert gpus.tolist() == [[1, 1, 1], [10, 8, 31]]
    shape = ServiceShape(np.array([14.0]), np.array([1020.0]), np.array([129.0]))
    rps = replica_rps(shape, np.array([[1]]), np.array([989.0]), np.array([3.35]), cm)
    step = 14.0 / (3350.0 * 0.6)
    prefill = 2 * 7e9 * 1020 / (989e12 * 0.4)
    assert rps[0, 0] == pytest.approx(1 / (129 * step / 32 + prefill))


def test_plan_json_has_the_fields_of_the_place_command() -> None:
    svc = InferenceService("s", 14.0, (RegionDemand("beijing", 1.0),), 1020, 129, 20.0, 20.0)
    job = TrainingJob("j", 8, 100.0, 20.0, 1000.0, "beijing")
    doc = plan(Snapshot.of(NET), Workload("w", (job,), (svc,))).to_dict()
    assert list(doc) == [
        "placements",
        "replicas",
        "unplaced",
        "objective_yuan",
        "lower_bound_yuan",
        "gap",
        "solve_seconds",
        "status",
    ]
    assert {"job", "site", "pool", "gpu_model", "gpus", "price_yuan_per_gpu_hour"} <= set(
        doc["placements"][0]
    )
    assert {"est_cost_yuan", "rtt_ms"} <= set(doc["placements"][0])
    assert {"service", "site", "gpu_model", "replicas", "region_share"} <= set(doc["replicas"][0])
    assert doc["status"] == "optimal" and doc["unplaced"] == []


def test_unknown_policy_is_a_typed_error() -> None:
    with pytest.raises(UnknownNameError, match="unknown placement policy 'best'"):
        plan(Snapshot.of(NET), Workload("w"), policy="best")


def test_empty_workload_gives_an_empty_optimal_plan() -> None:
    result = plan(Snapshot.of(NET), Workload("w"))
    assert (result.objective_yuan, result.gap, result.status) == (0.0, 0.0, "optimal")


def test_no_time_falls_back_to_greedy_with_its_gap() -> None:
    net = build_china_network()
    work = generate_workload("mixed", 200, seed=5, regions=net.regions)
    snap, latency = Snapshot.of(net), LatencyModel(net)
    fallback = plan(snap, work, latency, time_limit=0.0)
    greedy = plan(snap, work, latency, policy="greedy")
    assert fallback.status == "greedy_fallback"
    assert fallback.objective_yuan == pytest.approx(greedy.objective_yuan)
    assert 0 < fallback.gap < 1 and fallback.lower_bound_yuan > 0


@pytest.mark.parametrize("seed", range(10))
def test_capacity_free_bound_is_a_lower_bound(seed: int) -> None:
    snapshot, work, latency = random_instance(seed, jobs=8, services=2, pools=4)
    problem = Problem.build(snapshot, work, latency)
    optimal = plan(snapshot, work, latency, mip_gap=0.0)
    assert capacity_free_bound(problem) <= optimal.objective_yuan + 1e-6
