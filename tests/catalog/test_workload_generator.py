"""The workload generator: seeded, shaped by the traces, and always valid."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suanli.catalog import demand_regions, gpu_model, rents
from suanli.catalog.workloads import (
    PRESETS,
    TRAINING_ANY_GPU,
    WorkloadPreset,
    generate_workload,
    mean_gpus,
    request_profiles,
    small_job_share,
    suitable_gpu_sets,
    summarize,
    trace_stats,
    workload_preset,
)
from suanli.catalog.workloads.presets import DATA_SIZE_GB_RANGE, MIN_RUN_HOURS
from suanli.domain import Region
from suanli.errors import InvalidValueError, UnknownNameError


@pytest.fixture(scope="module")
def many_jobs():
    return generate_workload("training", 20_000, 11).training_jobs


@pytest.fixture(scope="module")
def many_services():
    return generate_workload("inference", 3_000, 12).services


def test_same_seed_same_workload_and_another_seed_another():
    assert generate_workload("mixed", 300, 7) == generate_workload("mixed", 300, 7)
    assert generate_workload("mixed", 300, 7) != generate_workload("mixed", 300, 8)


def test_presets_are_a_registry_of_frozen_configs():
    assert set(PRESETS) == {"mixed", "training", "inference"}
    assert all(isinstance(p, WorkloadPreset) for p in PRESETS.values())
    assert workload_preset("mixed").training_share == pytest.approx(0.6)


def test_an_unknown_preset_names_the_known_ones():
    with pytest.raises(UnknownNameError, match="mixed") as err:
        generate_workload("batch", 10, 1)
    assert err.value.known == list(PRESETS)


@pytest.mark.parametrize("jobs", [0, -5])
def test_fewer_than_one_job_is_refused_with_a_clear_message(jobs):
    with pytest.raises(InvalidValueError, match=r"jobs must be >= 1"):
        generate_workload("mixed", jobs, 1)


def test_a_negative_seed_and_weightless_regions_are_refused():
    with pytest.raises(InvalidValueError, match="seed"):
        generate_workload("mixed", 10, -1)
    with pytest.raises(InvalidValueError, match="demand_weight"):
        generate_workload("mixed", 10, 1, regions=[])
    with pytest.raises(InvalidValueError, match="demand_weight"):
        generate_workload("mixed", 10, 1, regions=[Region("x", "X", 0.0, 0.0, 0.0)])


@pytest.mark.parametrize(
    ("name", "training", "services"),
    [("mixed", 60, 40), ("training", 100, 0), ("inference", 0, 100)],
)
def test_presets_mix_training_and_inference_and_number_ids_per_kind(name, training, services):
    w = generate_workload(name, 100, 3)
    assert len(w.training_jobs) == training and len(w.services) == services
    assert [j.id for j in w.training_jobs] == [f"job-{i:05d}" for i in range(1, training + 1)]
    assert [s.id for s in w.services] == [f"svc-{i:05d}" for i in range(1, services + 1)]


def test_the_blend_weight_gives_philly_s_mean_gpus_per_job():
    w = small_job_share()
    target = trace_stats()["philly_mean_gpus_per_job"]
    assert 0 < w < 1
    assert w * mean_gpus("small") + (1 - w) * mean_gpus("large") == pytest.approx(target)


def test_generated_mean_gpus_is_philly_s_within_a_few_percent(many_jobs):
    mean = np.mean([j.gpus for j in many_jobs])
    assert mean == pytest.approx(trace_stats()["philly_mean_gpus_per_job"], rel=0.05)


def test_run_hours_are_heavy_tailed_and_clipped_to_the_trace_s_range(many_jobs):
    hours = np.array([j.h100_hours for j in many_jobs])
    assert hours.mean() > 2 * np.median(hours)
    assert hours.min() >= round(MIN_RUN_HOURS, 3) - 1e-3
    assert hours.max() <= trace_stats()["philly_max_run_seconds"] / 3600 + 1e-3


def test_training_jobs_are_priced_deadlined_and_placed_in_time(many_jobs):
    regions = {r.id for r in demand_regions()}
    submit = [j.submit_hour for j in many_jobs]
    assert submit == sorted(submit) and submit[-1] <= 24 * 20_000 / 100
    for j in many_jobs[:2000]:
        assert j.deadline_hours >= 1.5 * j.h100_hours
        floor = min(rents()[m] for m in j.allowed_gpu_models or TRAINING_ANY_GPU)
        assert floor - 1e-3 <= j.max_price_yuan_per_gpu_hour <= 1.6 * floor + 1e-3
        assert j.data_region in regions
        assert DATA_SIZE_GB_RANGE[0] <= j.data_size_gb <= DATA_SIZE_GB_RANGE[1]


def test_services_use_trace_profiles_tiers_and_gpus_that_hold_the_weights(many_services):
    tokens = {(p.input_tokens, p.output_tokens) for p in request_profiles()}
    tiers = set(PRESETS["inference"].latency_tiers_ms)
    for s in many_services:
        assert (s.input_tokens_per_request, s.output_tokens_per_request) in tokens
        assert s.latency_slo_rtt_ms in tiers
        assert s.allowed_gpu_models == () or s.allowed_gpu_models in suitable_gpu_sets(
            s.model_weights_gb
        )
        for m in s.allowed_gpu_models:
            assert s.model_weights_gb <= 8 * gpu_model(m).memory_gb
        assert s.max_price_yuan_per_h100_decode_hour > 0


def test_demand_by_region_is_roughly_proportional_to_the_weights(many_services):
    regions = demand_regions()
    rps = {r.id: 0.0 for r in regions}
    for s in many_services:
        for d in s.demand:
            rps[d.region] += d.rps
    share = np.array([rps[r.id] for r in regions]) / sum(rps.values())
    weight = np.array([r.demand_weight for r in regions])
    weight /= weight.sum()
    assert np.corrcoef(share, weight)[0, 1] > 0.95
    # Weighted choice of regions then a weighted split favours the big regions a little.
    ratio = share / weight
    assert ratio.min() > 0.5
    assert ratio.max() < 1.5


def test_a_region_without_weight_gets_no_work():
    regions = [Region("a", "A", 30.0, 120.0, 3.0), Region("b", "B", 31.0, 121.0, 0.0)]
    w = generate_workload("mixed", 200, 5, regions=regions)
    assert {j.data_region for j in w.training_jobs} == {"a"}
    assert {d.region for s in w.services for d in s.demand} == {"a"}


def test_summary_reports_the_mix():
    w = generate_workload("mixed", 500, 9)
    s = summarize(w)
    assert (s["training_jobs"], s["services"]) == (300, 200)
    assert sum(s["gpus_per_job"].values()) == 300
    assert s["h100_gpu_hours"] == pytest.approx(sum(j.work_h100_gpu_hours for j in w.training_jobs))
    assert 0 < s["run_hours_median"] <= s["run_hours_p95"]
    assert sum(s["rps_by_region"].values()) == pytest.approx(
        sum(x.total_rps for x in w.services), abs=0.01
    )


def test_summary_of_services_only_has_no_run_hours():
    s = summarize(generate_workload("inference", 5, 1))
    assert s["training_jobs"] == 0 and s["gpus_per_job"] == {}
    assert s["run_hours_median"] == s["run_hours_p95"] == 0.0


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    jobs=st.integers(1, 60),
    preset=st.sampled_from(sorted(PRESETS)),
)
def test_any_seed_size_and_preset_gives_a_valid_workload(seed, jobs, preset):
    w = generate_workload(preset, jobs, seed)  # the domain objects check their own invariants
    ids = [j.id for j in w.training_jobs] + [s.id for s in w.services]
    assert len(ids) == jobs == len(set(ids))
    prices = [j.max_price_yuan_per_gpu_hour for j in w.training_jobs]
    prices += [s.max_price_yuan_per_h100_decode_hour for s in w.services]
    assert all(p > 0 for p in prices)
    assert all(j.work_h100_gpu_hours > 0 for j in w.training_jobs)
    assert all(d.rps > 0 for s in w.services for d in s.demand)


def test_spot_jobs_are_drawn_last_so_a_seed_keeps_its_jobs():
    spot = replace(workload_preset("mixed"), preemptible_share=0.3)
    plain, drawn = generate_workload("mixed", 2_000, 4), generate_workload(spot, 2_000, 4)
    assert drawn.services == plain.services
    unflagged = [replace(j, preemptible=False) for j in drawn.training_jobs]
    assert unflagged == list(plain.training_jobs)
    assert not any(j.preemptible for j in plain.training_jobs)
    share = np.mean([j.preemptible for j in drawn.training_jobs])
    assert share == pytest.approx(0.3, abs=0.04)
    assert {(j.checkpoint_hours, j.on_preempt) for j in drawn.training_jobs} == {(1.0, "requeue")}


def test_the_shipped_presets_have_no_spot_jobs_and_the_knobs_are_checked():
    assert all(p.preemptible_share == 0.0 for p in PRESETS.values())
    every = replace(workload_preset("training"), preemptible_share=1.0, checkpoint_hours=0.25)
    jobs = generate_workload(every, 50, 2).training_jobs
    assert all(j.preemptible and j.checkpoint_hours == 0.25 for j in jobs)
    with pytest.raises(InvalidValueError, match=r"preemptible_share must be within 0\.\.1"):
        replace(workload_preset("mixed"), preemptible_share=1.5)
    with pytest.raises(InvalidValueError, match="checkpoint_hours must be > 0"):
        replace(workload_preset("mixed"), checkpoint_hours=0.0)
