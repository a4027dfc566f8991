"""Whole-network scenarios: determinism, conservation, outages, new sites, prices, demand, and the
inference-shift story as a result of the run (short runs, so the folder stays fast)."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from test_scenario_samples import TINY

from suanli.formats import ScenarioSpec, scenario_from_text
from suanli.formats.scenario_spec import InferenceSpec
from suanli.sim.scenario import (
    FILES,
    headline,
    load_shipped,
    result_json,
    run_scenario,
    shortened,
    write_outputs,
)
from suanli.sim.scenario.accounts import accounts
from suanli.sim.scenario.demand import diurnal
from suanli.sim.scenario.runner import simulate
from suanli.sim.scenario.world import World

STORY_HOURS = 24.0


@cache
def tiny() -> ScenarioSpec:
    return scenario_from_text(TINY, "tiny.yaml")


@cache
def tiny_world() -> World:
    return simulate(tiny())


def pool_indices(world: World, site: str) -> list[int]:
    return [i for i, s in enumerate(world.pool_site) if s == site]


def test_same_scenario_and_seed_give_byte_identical_results(tmp_path: Path) -> None:
    first = write_outputs(run_scenario(tiny()), tmp_path / "a")
    second = write_outputs(run_scenario(tiny()), tmp_path / "b")
    assert [p.name for p in first] == list(FILES)
    assert first[0].read_bytes() == second[0].read_bytes()
    assert all(p.stat().st_size > 0 for p in first)
    html = first[-1].read_text(encoding="utf-8")
    assert "Plotly" in html and '<script src="http' not in html  # the JS is embedded


def test_another_seed_changes_the_run() -> None:
    from dataclasses import replace

    other = replace(tiny(), seed=4)  # thinning/copying of arrivals after the shift draws
    assert result_json(run_scenario(other)) != result_json(run_scenario(tiny()))


def test_gpus_in_use_never_exceed_online_capacity() -> None:
    world = tiny_world()
    assert world.cycles
    for cycle in world.cycles:
        assert np.all(cycle.in_use <= cycle.online), cycle.hour
        assert np.all(cycle.online <= world.capacity)


def test_gpu_hours_sold_never_exceed_capacity_times_time() -> None:
    acc = accounts(tiny_world())
    assert np.all(acc.busy <= acc.online + 1e-6)
    assert acc.busy.sum() > 0
    capacity_hours = tiny_world().capacity.sum() * tiny().duration_hours
    assert acc.online.sum() <= capacity_hours + 1e-6


def test_an_outage_removes_the_site_for_its_window() -> None:
    world = tiny_world()
    pools = pool_indices(world, "hub-zhongwei-1")
    acc = accounts(world)
    for cycle in world.cycles:
        down = 3 <= cycle.hour < 7
        assert (cycle.online[pools].sum() == 0) == down, cycle.hour
        if down:
            assert cycle.in_use[pools].sum() == 0
    step = int(2 // tiny().step_hours)  # the step [2, 4) holds one offline hour of [3, 7)
    online = acc.online[pools]
    assert online[:, step].sum() == pytest.approx(world.capacity[pools].sum() * 1.0)
    assert online[:, 2].sum() == 0.0  # [4, 6): all down
    for u in world.usages:
        if u.pool in pools:
            assert u.end <= 3 or u.start >= 7


def test_jobs_running_at_an_outage_fail_and_are_requeued() -> None:
    spec = shortened(load_shipped("outage"), 14.0)
    world = simulate(spec)
    assert world.jobs.requeued and set(world.jobs.requeued) == {12.0}
    killed = [u for u in world.usages if u.end == 12.0 and u.training]
    assert killed
    assert all(world.money.charged_fen[u.line] == 0 for u in killed)  # refunded
    site = {world.pool_site[u.pool] for u in killed}
    assert site == {"hub-guiyang-1"}


def test_a_new_site_is_offline_until_it_opens() -> None:
    world = tiny_world()
    pools = pool_indices(world, "edge-xian-9")
    for cycle in world.cycles:
        assert (cycle.online[pools].sum() > 0) == (cycle.hour >= 6)
    assert all(u.start >= 6 for u in world.usages if u.pool in pools)


def test_a_price_change_applies_to_work_placed_after_it() -> None:
    world = tiny_world()
    h20 = [i for i, m in enumerate(world.pool_model) if m == "H20"]
    after = [u for u in world.usages if u.pool in h20 and u.start >= 4]
    before = [u for u in world.usages if u.pool in h20 and u.start < 4]
    assert after and before
    reserve = {
        i: p.reserve_price_yuan_per_gpu_hour for i, (_, p) in enumerate(world.network.pools())
    }
    assert all(u.price == pytest.approx(reserve[u.pool] * 0.5) for u in after)
    assert all(u.price == pytest.approx(reserve[u.pool]) for u in before)


def test_the_diurnal_curve_peaks_in_the_evening_and_averages_one() -> None:
    spec = InferenceSpec()
    hours = np.arange(0, 24, 0.25)
    values = [diurnal(float(h), spec) for h in hours]
    assert hours[int(np.argmax(values))] == spec.peak_hour
    assert np.mean(values) == pytest.approx(1.0)
    assert min(values) == pytest.approx(1 - spec.diurnal_amplitude)


def test_served_demand_never_exceeds_demand() -> None:
    for cycle in tiny_world().cycles:
        assert cycle.served_rps <= cycle.demand_rps + 1e-6


@cache
def story(name: str) -> dict[str, float]:
    return headline(run_scenario(shortened(load_shipped(name), STORY_HOURS)))


def test_inference_shift_remote_sites_lose_utilization_to_sites_near_demand() -> None:
    """The article's story, as a result: the scenarios differ only in their demand (events),
    never in where work may go; placement's latency SLOs do the rest."""
    boom, shift = story("training-boom"), story("inference-shift")
    assert shift["inference_share"] > 0.5 > boom["inference_share"]
    assert shift["utilization_remote"] < shift["utilization_near_demand"]
    ratio_boom = boom["utilization_remote"] / boom["utilization_near_demand"]
    ratio_shift = shift["utilization_remote"] / shift["utilization_near_demand"]
    assert ratio_shift < ratio_boom


def test_headline_figures_are_plain_numbers() -> None:
    figures = story("inference-shift")
    for key in ("utilization", "utilization_west", "slo_attainment", "revenue_yuan"):
        value = figures[key]
        assert isinstance(value, float) and math.isfinite(value), key
    assert 0 <= figures["slo_attainment"] <= 1
