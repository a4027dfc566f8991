"""The twin on the market: its money goes through the exchange's own ledger entries, in fen;
posted and auction prices obey their definitions; spot runs are preempted for reserved work."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from test_scenario_samples import TINY

from suanli.catalog.gpus import decode_h100_equivalent
from suanli.formats import ScenarioSpec, scenario_from_text
from suanli.formats.scenario_spec import PriceChange, PricingSpec
from suanli.market.ledger import PLATFORM_FEES, AccountKind, kind_of
from suanli.market.pricing import load_pricing_policy
from suanli.sim.scenario import load_shipped, result_json, run_scenario, shortened
from suanli.sim.scenario.runner import simulate
from suanli.sim.scenario.world import World

MODES = ("fixed", "posted", "auction")


@cache
def tiny(mode: str) -> ScenarioSpec:
    return replace(scenario_from_text(TINY, "tiny.yaml"), pricing=PricingSpec(mode=mode))


@cache
def world_of(mode: str) -> World:
    return simulate(tiny(mode))


@pytest.mark.parametrize("mode", MODES)
def test_revenue_is_what_suppliers_receive_plus_fees_and_the_book_balances(mode: str) -> None:
    world = world_of(mode)
    book = world.money.book
    book.check()  # postings sum to zero, every floor holds
    assert sum(book.balances.values()) == 0
    receivables = sum(b for a, b in book.balances.items() if kind_of(a) is AccountKind.RECEIVABLE)
    fees = book.balance(PLATFORM_FEES)
    charged = sum(world.money.charged_fen.values())
    assert charged > 0 and charged == receivables + fees
    assert not world.money.open_lines  # every line closed by the end
    assert all(b == 0 for a, b in book.balances.items() if kind_of(a) is AccountKind.ESCROW)
    summary = run_scenario(tiny(mode)).summary
    assert summary["revenue_yuan"] == charged / 100
    assert summary["revenue_yuan"] == pytest.approx(
        summary["supplier_receivable_yuan"] + summary["fees_yuan"], abs=1e-9
    )
    fee_bp = load_pricing_policy().platform_fee_bp
    assert fees == pytest.approx(charged * fee_bp / 10_000, abs=len(world.usages))


def test_fixed_pricing_charges_each_line_its_price_times_hours_in_fen() -> None:
    world = world_of("fixed")
    for u in world.usages[:500]:
        charged = world.money.charged_fen[u.line]
        hours = u.end - u.start
        exact = u.price * u.gpus * max(hours, 1.0) * 100  # at least one GPU-hour per GPU
        if u.training and charged == 0:
            continue  # a run killed by an outage is refunded
        assert abs(charged - exact) <= 1, (u, charged, exact)


@pytest.mark.parametrize("mode", MODES)
def test_the_same_seed_gives_the_same_bytes_in_every_mode(mode: str) -> None:
    assert result_json(run_scenario(tiny(mode))) == result_json(run_scenario(tiny(mode)))


def _without_price_events(spec: ScenarioSpec) -> ScenarioSpec:
    return replace(spec, events=tuple(e for e in spec.events if not isinstance(e, PriceChange)))


def test_posted_prices_follow_the_curve_of_utilization_and_never_fall_below_reserve() -> None:
    world = simulate(_without_price_events(tiny("posted")))
    curve = load_pricing_policy().posted
    reserve = np.array([p.reserve_price_yuan_per_gpu_hour for _, p in world.network.pools()])
    rose = False
    for k, prices in enumerate(world.price_log):
        assert np.all(prices >= reserve - 1e-9), k
        if k == 0:
            continue
        before = world.cycles[k - 1]
        online = before.online.astype(float)
        u = np.divide(before.in_use, online, out=np.zeros(len(online)), where=online > 0)
        expected = reserve * (
            1
            + curve.max_markup
            * np.maximum(0, (u - curve.knee) / (1 - curve.knee)) ** curve.exponent
        )
        # the cycle's utilization: GPUs held when it starts (jobs still running, last replicas)
        assert np.all(prices <= expected + 1e-6), k
        rose |= bool(np.any(prices > reserve * 1.01))
    assert rose, "some pool filled past the knee and its price rose"


def test_auction_prices_respect_every_buyers_limit_and_every_reserve() -> None:
    world = world_of("auction")
    spec = tiny("auction")
    limits = {j.id: j.max_price_yuan_per_gpu_hour for j in world.work.jobs}
    services = {s.id: s for _, s in world.work.services}
    for k, prices in enumerate(world.price_log):  # the price change only lowers reserves
        assert np.all(prices >= world.reserve - 1e-9), k
    for u in world.usages:
        if u.training:
            base = u.owner.split("~")[0]
            assert u.price <= limits[base] + 1e-9, u
        else:
            limit = services[u.owner].max_price_yuan_per_h100_decode_hour
            assert u.price <= limit * decode_h100_equivalent(world.pool_model[u.pool]) * (1 + 1e-6)
    assert spec.pricing.mode == "auction"


SPOT = """\
format: suanli.scenario/v1
name: spot
seed: 2
duration_hours: 16
step_hours: 1
network: {preset: china, seed: 7, scale: 0.05}
workload:
  - {preset: training, jobs: 400, seed: 5, span_hours: 16, preemptible_share: 0.6}
  - {preset: inference, jobs: 20, seed: 6, start_hour: 6}
inference: {demand_factor: 3}
"""


@cache
def spot_world() -> World:
    return simulate(scenario_from_text(SPOT, "spot.yaml"))


def test_spot_runs_are_preempted_for_reserved_work_and_lose_only_since_their_checkpoint() -> None:
    world = spot_world()
    assert world.preemptions, "reserved work needed the GPUs of some spot run"
    jobs = {j.id: j for j in world.work.jobs}
    for p in world.preemptions:
        job = jobs[p.job.split("~")[0]]
        assert job.preemptible
        (usage,) = [u for u in world.usages if u.owner == p.job and u.end == p.hour]
        ran = usage.end - usage.start
        kept = (ran // job.checkpoint_hours) * job.checkpoint_hours
        assert p.lost_gpu_hours == pytest.approx(usage.gpus * (ran - kept))
        assert p.requeued == (job.on_preempt == "requeue")
    for cycle in world.cycles:
        assert np.all(cycle.in_use <= cycle.online)


def test_spot_runs_pay_the_spot_share_of_the_price_and_reserved_ones_are_never_preempted() -> None:
    world = spot_world()
    factor = load_pricing_policy().spot_factor
    preempted = {(p.job, p.hour) for p in world.preemptions}
    spot = [u for u in world.usages if u.preemptible]
    assert spot and any(not u.preemptible for u in world.usages if u.training)
    for u in world.usages:
        if u.training and u.preemptible:
            assert u.price == pytest.approx(world.reserve[u.pool] * factor)
        elif u.training:
            assert u.price == pytest.approx(world.reserve[u.pool])
            assert (u.owner, u.end) not in preempted
    summary = run_scenario(scenario_from_text(SPOT, "spot.yaml")).summary
    assert summary["preemptions"]["count"] == len(world.preemptions) > 0


def test_the_h100_index_falls_by_itself_in_the_price_fall_scenario() -> None:
    spec = load_shipped("price-fall")
    assert not any(isinstance(e, PriceChange) for e in spec.events)
    assert spec.pricing.mode == "posted"
    summary = run_scenario(shortened(spec, 108.0)).summary  # 36 h past the shift
    h100 = summary["price_index_by_model"]["H100"]
    assert h100["peak_hour"] < 72 <= spec.duration_hours  # it peaks in the boom
    assert h100["change_from_peak"] < -0.10  # and falls more than 10 % after the shift
    assert h100["last_yuan_per_gpu_hour"] < h100["peak_yuan_per_gpu_hour"]
