"""Trace replay as a scenario workload source: Philly jobs sampled and timed, an LLM trace as one
service, the file checks of the new fields, and a short run of the shipped `trace-replay`."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from test_scenario_samples import TINY, edit

from suanli.catalog.places import demand_regions
from suanli.catalog.workloads import replay_trace, request_profiles
from suanli.catalog.workloads.replay import replay_jobs
from suanli.errors import DataFileError, InvalidValueError
from suanli.formats import (
    dumps_yaml,
    load_scenario,
    scenario_from_text,
    scenario_to_dict,
    validate_scenario_file,
)
from suanli.sim.scenario import load_shipped, run_scenario, shortened
from suanli.sim.scenario.setup import scenario_network, scenario_work
from suanli.traces import PhillyAttempt, PhillyJob, load_philly_jobs, trace_file

PHILLY_JOBS = 3034
"""Jobs in philly-derived-marwage/jobs.json."""

TRACE_SOURCE = "{preset: inference, jobs: 10, seed: 6, start_hour: 4}"
"""The second workload source of TINY, on line 9."""


@pytest.fixture
def traces(trace_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The public traces, found by the library wherever the tests run from."""
    monkeypatch.setenv("SUANLI_TRACE_DIR", str(trace_dir))
    return trace_dir


@cache
def philly_by_id() -> dict[str, PhillyJob]:
    return {j.id: j for j in load_philly_jobs(trace_file("philly-derived-marwage/jobs.json"))}


def with_source(source: str, *changes: tuple[str, str]) -> str:
    return edit(TINY, (TRACE_SOURCE, source), *changes)


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(p).replace(str(path), "F") for p in validate_scenario_file(path)]


def job(hours_after: float, gpus: int = 4, runtime_minutes: float = 90.0) -> PhillyJob:
    start = datetime(2017, 10, 1) + timedelta(hours=hours_after)
    attempt = PhillyAttempt(start, start + timedelta(minutes=runtime_minutes))
    return PhillyJob(f"app-{hours_after:g}", gpus, runtime_minutes, start, (attempt,))


# --- without the traces ---------------------------------------------------------------------


def test_submissions_count_from_the_first_and_follow_time_scale() -> None:
    jobs = [job(20.0, gpus=8), job(0.0), job(10.0, runtime_minutes=0.0)]
    replay = replay_jobs("philly", jobs, 1, 1.0, 0.5, demand_regions())
    made = {j.id: j for j in replay.workload.training_jobs}
    assert {i: j.submit_hour for i, j in made.items()} == {"app-0": 0, "app-10": 5, "app-20": 10}
    assert replay.span_hours == 10.0
    assert made["app-20"].gpus == 8 and made["app-20"].work_h100_gpu_hours == 12.0
    assert made["app-10"].work_h100_gpu_hours > 0  # run hours are clipped below at a minute


@pytest.mark.parametrize(("scale", "time_scale"), [(0.0, 1.0), (1.5, 1.0), (1.0, 0.0)])
def test_bad_scales_are_refused(scale: float, time_scale: float) -> None:
    with pytest.raises(InvalidValueError, match="scale must be"):
        replay_jobs("philly", [job(0.0)], 1, scale, time_scale, demand_regions())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "{trace: phily, seed: 6}",
            "F:9: workload[1].trace: unknown trace 'phily'; known: philly, azure-conv, "
            "azure-code, mooncake",
        ),
        ("{trace: philly, scale: 1.5}", "F:9: workload[1].scale: must be <= 1, got 1.5"),
        ("{trace: philly, scale: 0}", "F:9: workload[1].scale: must be > 0, got 0"),
        ("{trace: azure-conv, rps_scale: -2}", "F:9: workload[1].rps_scale: must be > 0, got -2"),
        (
            "{trace: philly, jobs: 10}",
            "F:9: workload[1].jobs: training trace sources take no 'jobs'; they take: trace, "
            "seed, start_hour, span_hours, scale, time_scale",
        ),
        (
            "{trace: azure-conv, scale: 0.5}",
            "F:9: workload[1].scale: inference trace sources take no 'scale'; they take: trace, "
            "seed, start_hour, rps_scale",
        ),
        (
            "{preset: mixed, rps_scale: 2}",
            "F:9: workload[1].rps_scale: preset sources take no 'rps_scale'",
        ),
        (
            "{preset: mixed, trace: philly}",
            "F:9: workload[1]: give exactly one of 'preset', 'trace' and 'path'",
        ),
        (
            "{trace: philly, time_scale: 0.01, span_hours: 12}",
            "F:9: workload[1]: give at most one of 'time_scale' and 'span_hours'",
        ),
    ],
)
def test_a_bad_trace_source_gets_file_line_field_message(
    tmp_path: Path, source: str, expected: str
) -> None:
    found = problems(tmp_path, with_source(source))
    assert any(p.startswith(expected) for p in found), found


def test_trace_sources_validate_and_load_back_without_the_traces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUANLI_TRACE_DIR", str(tmp_path / "none"))
    text = with_source(
        "{trace: philly, seed: 2, scale: 0.1, time_scale: 0.004}\n"
        "  - {trace: mooncake, start_hour: 1, rps_scale: 3}"
    )
    assert problems(tmp_path, text) == []
    spec = scenario_from_text(text, str(tmp_path / "s.yaml"))
    again = tmp_path / "resolved.yaml"
    again.write_text(dumps_yaml(scenario_to_dict(spec)), encoding="utf-8")
    assert load_scenario(again) == spec
    assert scenario_to_dict(spec)["workload"][1] == {
        "trace": "philly",
        "seed": 2,
        "start_hour": 0.0,
        "scale": 0.1,
        "time_scale": 0.004,
    }


def test_a_run_without_the_traces_says_where_to_find_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUANLI_TRACE_DIR", str(tmp_path))
    spec = scenario_from_text(with_source("{trace: azure-code}"), "s.yaml")
    with pytest.raises(DataFileError, match="set SUANLI_TRACE_DIR"):
        scenario_work(spec, scenario_network(spec))


# --- on the public traces -------------------------------------------------------------------


@pytest.mark.traces
def test_philly_sample_keeps_the_trace_jobs(traces: Path) -> None:
    replay = replay_trace("philly", 3, scale=0.25, time_scale=0.01)
    jobs = replay.workload.training_jobs
    assert len(jobs) == round(0.25 * PHILLY_JOBS)
    assert len({j.id for j in jobs}) == len(jobs)
    trace = philly_by_id()
    for j in jobs:
        assert j.gpus == trace[j.id].gpus
        run_hours = j.work_h100_gpu_hours / j.gpus  # GPUs × run hours rounded to 3 decimals
        assert run_hours == pytest.approx(trace[j.id].runtime_hours, abs=6e-4)
    assert 26.0 < replay.span_hours < 26.2  # the trace's 2610 hours × 0.01
    assert all(0 <= j.submit_hour <= replay.span_hours for j in jobs)


@pytest.mark.traces
def test_same_seed_same_jobs_and_another_seed_another_sample(traces: Path) -> None:
    first = replay_trace("philly", 5, scale=0.1)
    assert replay_trace("philly", 5, scale=0.1) == first
    other = replay_trace("philly", 6, scale=0.1)
    ids = {j.id for j in first.workload.training_jobs}
    assert ids != {j.id for j in other.workload.training_jobs}


@pytest.mark.traces
def test_submit_hours_fall_within_the_scenario(traces: Path) -> None:
    text = with_source("{trace: philly, seed: 1, scale: 0.2, start_hour: 2, span_hours: 9}")
    spec = scenario_from_text(text, "s.yaml")
    work = scenario_work(spec, scenario_network(spec))
    replayed = [j for j in work.jobs if j.id.startswith("s2-application_")]
    assert len(replayed) == round(0.2 * PHILLY_JOBS)
    hours = [j.submit_hour for j in replayed]
    assert min(hours) >= 2.0 and max(hours) <= 11.0 + 1e-9


@pytest.mark.traces
@pytest.mark.parametrize(
    ("trace", "profile"),
    [("azure-conv", "chat"), ("azure-code", "code"), ("mooncake", "long-context")],
)
def test_an_inference_trace_is_one_service_at_its_rate(
    traces: Path, trace: str, profile: str
) -> None:
    (service,) = replay_trace(trace, 4, rps_scale=10).workload.services
    table = {p.name: p for p in request_profiles()}[profile]  # measured on the same traces
    assert service.input_tokens_per_request == table.input_tokens
    assert service.output_tokens_per_request == table.output_tokens
    total = sum(d.rps for d in service.demand)
    assert total == pytest.approx(10 * table.requests_per_second, rel=1e-3)
    assert {d.region for d in service.demand} == {r.id for r in demand_regions()}


@pytest.mark.traces
def test_a_short_run_of_the_shipped_trace_scenario_completes(traces: Path) -> None:
    result = run_scenario(shortened(load_shipped("trace-replay"), 8.0))
    s = result.summary
    assert s["jobs"]["submitted"] > 0 and s["jobs"]["started"] > 0
    assert s["training_gpu_hours"] > 0 and s["inference_gpu_hours"] > 0
    assert 0 < s["utilization"] <= 1
