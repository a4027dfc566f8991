"""An inference buyer's limit is a price per unit of work: a pool may charge limit × its model's
decode H100-equivalent, and the plan serves requests from the pool that serves them cheapest."""

from __future__ import annotations

from dataclasses import replace

import pytest
from placement_cases import pool, region, site

from suanli.catalog import rents
from suanli.catalog.workloads import limit_from_gpu_hour_limit, pricing_models, service_price_floor
from suanli.domain import InferenceService, Network, RegionDemand, Workload
from suanli.network import LatencyModel
from suanli.placement import Problem, Snapshot, explain, plan

MULTIPLIER = 1.3  # a draw of the generator's `price_multiplier`
CHAT_7B = InferenceService(
    id="chat",
    model_weights_gb=14.0,  # one GPU per replica on both cards
    demand=(RegionDemand("shanghai", 1.0),),
    input_tokens_per_request=1020,
    output_tokens_per_request=129,
    latency_slo_rtt_ms=5.0,
    max_price_yuan_per_h100_decode_hour=20.0,
)


def _snapshot(h100_price: float, rtx_price: float) -> Snapshot:
    near_users = site(
        "sh",
        "shanghai",
        (pool("sh-h100", "H100", 2, h100_price), pool("sh-4090", "RTX4090", 2, rtx_price)),
    )
    return Snapshot.of(Network("near", (near_users,), (region("shanghai"),)))


def _busy(service: InferenceService) -> InferenceService:
    """Demand that two H100 replicas or nine RTX 4090 replicas serve, and no mix of them
    serves for less than the cheaper of the two."""
    rps = Problem.build(_snapshot(1.0, 1.0), Workload("w", services=(service,))).services.rps
    h100, rtx = float(rps[0, 0]), float(rps[0, 1])
    demand = 0.98 * 9 * rtx
    assert h100 < demand <= 2 * h100 and 8 * rtx < demand
    return replace(service, demand=(RegionDemand("shanghai", demand),))


def _pools_used(snapshot: Snapshot, service: InferenceService) -> set[str]:
    result = plan(snapshot, Workload("w", services=(service,)), LatencyModel(snapshot.network))
    assert not result.unplaced
    return {r.pool for r in result.replicas}


def _cost_per_request(snapshot: Snapshot, service: InferenceService) -> list[float]:
    s = Problem.build(snapshot, Workload("w", services=(service,))).services
    return (s.replica_cost[0] / s.rps[0]).tolist()


@pytest.mark.parametrize(("h100_price", "cheaper"), [(12.8, "sh-4090"), (5.0, "sh-h100")])
def test_the_pool_that_serves_a_request_cheaper_wins(h100_price: float, cheaper: str) -> None:
    """The H100 serves about 4.7 times the requests of an RTX 4090 per hour: at its rent it is
    dearer per request than a 4090 at 1.60, at 5.00 cheaper."""
    snapshot, service = _snapshot(h100_price, 1.6), _busy(CHAT_7B)
    h100, rtx = _cost_per_request(snapshot, service)
    assert (h100 < rtx) == (cheaper == "sh-h100")
    assert _pools_used(snapshot, service) == {cheaper}


def test_the_old_limit_locked_the_h100_out_and_the_new_one_lets_it_win() -> None:
    """The old generator set an "any GPU" limit on the cheapest rent (the RTX 4090's) per raw
    GPU-hour; the new one on the lowest rent per H100-equivalent decode hour (the H20's)."""
    snapshot, service = _snapshot(5.0, 1.6), _busy(CHAT_7B)
    old = min(rents()[m] for m in pricing_models(14.0, ())) * MULTIPLIER  # per GPU-hour, any card
    new = service_price_floor(14.0, ()) * MULTIPLIER  # per H100-equivalent decode hour
    # An H100 is one H100-equivalent, so the old figure is its limit under either reading.
    work = Workload("w", services=(replace(service, max_price_yuan_per_h100_decode_hour=old),))
    latency = LatencyModel(snapshot.network)
    result = plan(snapshot, work, latency)
    assert "sh-h100" not in {r.pool for r in result.replicas}
    reasons = {r["pool"]: r["reasons"] for r in explain("chat", snapshot, work, result, latency)}
    assert reasons["sh-h100"][0].startswith(f"price 5.00 > max {old:.2f}")
    under_new = replace(service, max_price_yuan_per_h100_decode_hour=new)
    assert _pools_used(snapshot, under_new) == {"sh-h100"}


def test_a_slower_card_may_charge_only_its_share_of_the_limit() -> None:
    """At 6 yuan per H100 decode hour an RTX 4090 (1.0 of 3.35 TB/s) may charge 1.79."""
    service = replace(CHAT_7B, max_price_yuan_per_h100_decode_hour=6.0)
    problem = Problem.build(_snapshot(5.0, 1.8), Workload("w", services=(service,)))
    assert problem.services.limit[0].tolist() == pytest.approx([6.0, 6.0 / 3.35])
    assert problem.services.price_ok[0].tolist() == [True, False]


def test_an_old_files_limit_still_admits_the_pool_it_was_priced_on_at_that_price() -> None:
    """A converted limit is a quotient: limit × equivalent may fall an ulp short of the old one."""
    prices = [round(5.0 + 0.01 * k, 2) for k in range(60)]
    pools = tuple(pool(f"h20-{k}", "H20", 1, p) for k, p in enumerate(prices))
    snapshot = Snapshot.of(Network("h20", (site("sh", "shanghai", pools),), (region("shanghai"),)))
    services = tuple(
        replace(
            CHAT_7B,
            id=f"s{k}",
            allowed_gpu_models=("H20",),
            max_price_yuan_per_h100_decode_hour=limit_from_gpu_hour_limit(p, 14.0, ("H20",)),
        )
        for k, p in enumerate(prices)
    )
    table = Problem.build(snapshot, Workload("w", services=services)).services
    assert any(table.limit[k, k] < p for k, p in enumerate(prices)), "no ulp to forgive here"
    assert all(table.price_ok[k, k] for k in range(len(prices)))
