"""Unserved inference demand and filter misses name their real cause, on optimal solves; a value
compared with a limit prints at the precision that agrees with the comparison."""

from __future__ import annotations

from dataclasses import replace

import pytest
from placement_cases import pool, region, site

from suanli.domain import InferenceService, Network, RegionDemand, TrainingJob, Workload
from suanli.network import LatencyModel
from suanli.placement import Problem, Snapshot, explain, plan
from suanli.placement.reasons import above

NET = Network(
    "unserved",
    sites=(
        site("sh", "shanghai", (pool("sh-h100", "H100", 1, 10.0),)),
        site("sh2", "shanghai", (pool("sh2-h100", "H100", 1, 12.0),)),
    ),
    regions=(region("shanghai"), region("beijing")),
)
CHAT = InferenceService(
    id="chat",
    model_weights_gb=14.0,  # one H100 per replica
    demand=(RegionDemand("shanghai", 0.5),),
    input_tokens_per_request=1020,
    output_tokens_per_request=129,
    latency_slo_rtt_ms=5.0,
    max_price_yuan_per_h100_decode_hour=15.0,
)
# 8 GPUs for 100 h, worth 12,000 yuan at its max price: more than the service in either pool
TRAIN = TrainingJob("train", 8, 800.0, 15.0, 200.0, "shanghai", 0.0)


def _reason(snapshot: Snapshot, work: Workload) -> str:
    result = plan(snapshot, work, LatencyModel(snapshot.network))
    assert result.status == "optimal" and result.gap == 0.0
    reasons = {u.job: u.reason for u in result.unplaced}
    assert "gap tolerance" not in reasons["chat"]
    return reasons["chat"]


def test_capacity_taken_by_work_worth_more() -> None:
    snapshot = Snapshot.of(NET, used_gpus={"sh2-h100": 8})
    reason = _reason(snapshot, Workload("w", training_jobs=(TRAIN,), services=(CHAT,)))
    assert reason == (
        "shanghai: 0.500 of 0.500 rps unserved: the plan gave the free GPUs of the 1 pool within "
        "its SLO that pass the filters to other work (at most 0 left, a replica needs 1)"
    )


def test_price_above_the_buyers_max() -> None:
    cheap = replace(CHAT, max_price_yuan_per_h100_decode_hour=8.0)
    reason = _reason(Snapshot.of(NET), Workload("w", services=(cheap,)))
    assert reason == (
        "shanghai: 0.500 of 0.500 rps unserved: of 2 pools within the 5 ms SLO: "
        "price above max at 2 (nearest sh-h100: price 10.00 > max 8.00 = 8 per H100 decode hour "
        "× 1.000 for H100)"
    )


def test_no_allowed_gpu_model_and_too_far() -> None:
    picky = replace(CHAT, allowed_gpu_models=("H20",))
    reason = _reason(Snapshot.of(NET), Workload("w", services=(picky,)))
    assert reason.endswith("of 2 pools within the 5 ms SLO: model not allowed at 2")
    far = replace(CHAT, demand=(RegionDemand("beijing", 0.5),))
    reason = _reason(Snapshot.of(NET), Workload("w", services=(far,)))
    assert reason.startswith("beijing: 0.500 of 0.500 rps unserved: no pool within the 5.0 ms SLO")


def test_the_last_part_of_a_replica_is_not_worth_its_cost() -> None:
    """One free GPU at 10 yuan and a whole pool at 12: demand of 1.5 replicas is worth
    15 × 24 × 2 = 720 yuan, so its last third is worth 240, less than a 288-yuan replica."""
    snapshot = Snapshot.of(NET, used_gpus={"sh-h100": 7})
    rps = float(Problem.build(snapshot, Workload("w", services=(CHAT,))).services.rps[0, 0])
    busy = replace(CHAT, demand=(RegionDemand("shanghai", 1.5 * rps),))
    reason = _reason(snapshot, Workload("w", services=(busy,)))
    assert reason.endswith(
        "unserved: not worth it: one more replica (1 H100 GPU in sh2-h100) costs 288.00 yuan "
        "per 24 h, and the unserved demand it reaches is worth 240.00 yuan at the buyer's max price"
    )


@pytest.mark.parametrize(
    ("value", "limit", "least", "shown"),
    [
        (5.04, 5.0, 1, ("5.04", "5.00")),
        (27.13, 20.0, 1, ("27.1", "20.0")),
        (12.504, 12.5, 2, ("12.504", "12.500")),
        (5.0000001, 5.0, 1, ("5.000000", "5.000000")),  # beyond MOST_DECIMALS: as close as printed
    ],
)
def test_a_value_and_its_limit_print_at_one_precision(value, limit, least, shown) -> None:
    assert above(value, limit, least) == shown


def test_rtt_and_price_just_over_their_limits_read_as_over() -> None:
    latency = LatencyModel(NET)
    rtt = latency.rtt("sh", "shanghai")
    slo = rtt - 0.04  # e.g. 1.04 ms against an SLO of 1.00: "1.0 exceeds 1.0" before
    tight = replace(CHAT, latency_slo_rtt_ms=slo, max_price_yuan_per_h100_decode_hour=9.996)
    work = Workload("w", services=(tight,))
    snapshot = Snapshot.of(NET)
    rows = explain("chat", snapshot, work, plan(snapshot, work, latency), latency)
    reasons = {r["pool"]: r["reasons"] for r in rows}
    shown_rtt, shown_slo = f"{rtt:.2f}", f"{slo:.2f}"
    assert float(shown_rtt) > float(shown_slo)
    assert f"RTT {shown_rtt} ms from shanghai exceeds SLO {shown_slo} ms" in reasons["sh-h100"]
    assert (
        "price 10.000 > max 9.996 = 9.996 per H100 decode hour × 1.000 for H100"
        in reasons["sh-h100"]
    )
