"""Every filter reason appears on a crafted instance, for `explain` and for unplaced work."""

from __future__ import annotations

from typing import Any

import pytest
from placement_cases import pool, region, site

from suanli.domain import InferenceService, Network, RegionDemand, TrainingJob, Workload
from suanli.errors import UnknownNameError
from suanli.network import LatencyModel
from suanli.placement import Snapshot, explain, plan

JOB = TrainingJob(
    id="big",
    gpus=64,
    work_h100_gpu_hours=4480.0,  # 70 h on 64 H100s
    max_price_yuan_per_gpu_hour=12.5,
    deadline_hours=72.0,
    data_region="shanghai",
    data_size_gb=40_000.0,  # 0.9 h into a 100 Gb/s site, 8.9 h into a 10 Gb/s one
    allowed_gpu_models=("H100",),
)
CHAT = InferenceService(
    id="chat",
    model_weights_gb=14.0,
    demand=(RegionDemand("shanghai", 1.0),),
    input_tokens_per_request=1020,
    output_tokens_per_request=129,
    latency_slo_rtt_ms=5.0,
    max_price_yuan_per_h100_decode_hour=15.0,
)
HUGE = InferenceService(
    id="huge",
    model_weights_gb=671.0,
    demand=(RegionDemand("beijing", 0.5),),
    input_tokens_per_request=1020,
    output_tokens_per_request=129,
    latency_slo_rtt_ms=50.0,
    max_price_yuan_per_h100_decode_hour=15.0,
    allowed_gpu_models=("A800",),
)
ASCEND = TrainingJob("ascend", 8, 10.0, 20.0, 100.0, "beijing", 0.0, ("910B",))


Case = tuple[Snapshot, Workload, LatencyModel]


@pytest.fixture(scope="module")
def case() -> Case:
    net = Network(
        "crafted",
        sites=(
            site(
                "bj", "beijing", (pool("bj-a800", "A800", 4, 6.0), pool("bj-h100", "H100", 8, 12.0))
            ),
            site("bj2", "beijing", (pool("bj2-h100", "H100", 4, 11.0),)),
            site("bj3", "beijing", (pool("bj3-h100", "H100", 10, 12.4),)),
            site("sh", "shanghai", (pool("sh-h100", "H100", 16, 13.2),)),
            site("zw", "zhongwei", (pool("zw-h100", "H100", 16, 9.0),), egress=10.0),
        ),
        regions=(region("beijing"), region("shanghai")),
    )
    work = Workload("crafted", training_jobs=(JOB, ASCEND), services=(CHAT, HUGE))
    return Snapshot.of(net), work, LatencyModel(net)


def _reasons(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {str(r["pool"]): list(r["reasons"]) for r in rows}


def test_training_explain_names_every_filter_and_the_cost_difference(case: Case) -> None:
    snapshot, work, latency = case
    result = plan(snapshot, work, latency)
    assert [p.pool for p in result.placements] == ["bj-h100"]
    reasons = _reasons(explain("big", snapshot, work, result, latency))
    assert reasons["bj-a800"][0] == "model A800 not allowed (H100)"
    assert "needs 64 GPUs, pool has 32 free" in reasons["bj2-h100"]
    assert "price 13.20 > max 12.50" in reasons["sh-h100"]
    assert reasons["zw-h100"] == ["deadline: 8.9 h transfer + 70.0 h run = 78.9 h > 72.0 h"]
    assert reasons["bj3-h100"] == ["fits but costs 1,792.00 yuan more than the chosen"]
    assert reasons["bj-h100"][0].startswith("chosen: 55,760.00 yuan for 4480.0 GPU-hours")


def test_service_explain_names_rtt_and_replica_size(case: Case) -> None:
    snapshot, work, latency = case
    result = plan(snapshot, work, latency)
    chat = _reasons(explain("chat", snapshot, work, result, latency))
    assert chat["bj-h100"] == ["RTT 17.0 ms from shanghai exceeds SLO 5.0 ms"]
    assert chat["sh-h100"] == ["chosen: 1 replica of 1 GPU serving shanghai 100%"]
    huge = _reasons(explain("huge", snapshot, work, result, latency))
    assert "a replica needs 10 GPUs (671 GB weights × 1.1 / 80 GB), a node has 8" in huge["bj-a800"]
    assert huge["bj-h100"][0] == "model H100 not allowed (A800)"


def test_unplaced_work_says_why(case: Case) -> None:
    snapshot, work, latency = case
    reasons = {u.job: u.reason for u in plan(snapshot, work, latency).unplaced}
    assert reasons["ascend"] == "no pool passes the filters: model not allowed at 6 pools (910B)"
    assert reasons["huge"].startswith("beijing: 0.500 of 0.500 rps unserved: of ")
    assert "replica larger than a node at 1" in reasons["huge"]
    assert "chat" not in reasons and "big" not in reasons


def test_capacity_taken_by_other_work_is_the_reason(case: Case) -> None:
    snapshot, _, latency = case
    twin = TrainingJob("twin", 64, 4480.0, 12.5, 72.0, "shanghai", 40_000.0, ("H100",))
    more = Workload("crafted", training_jobs=(JOB, twin))
    result = plan(snapshot, more, latency)
    assert sorted(p.pool for p in result.placements) == ["bj-h100", "bj3-h100"]
    squeezed = Snapshot.of(snapshot.network, used_gpus={"bj3-h100": 40})
    result = plan(squeezed, more, latency)
    (left_out,) = result.unplaced
    assert (
        "pools pass the filters, but the plan gave their free GPUs to other work" in left_out.reason
    )
    rows = _reasons(explain(left_out.job, squeezed, more, result, latency))
    assert rows["bj-h100"] == [
        "fits, but the plan gave its free GPUs to other work (0 left, needs 64)"
    ]


def test_unknown_job_is_a_typed_error(case: Case) -> None:
    snapshot, work, latency = case
    with pytest.raises(UnknownNameError, match="unknown job or service 'nope'"):
        explain("nope", snapshot, work, plan(snapshot, work, latency), latency)
