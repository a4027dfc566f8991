"""Workloads replayed from the public traces: `replay_trace(name, seed, ...)`.

What a trace records is kept; what it lacks is drawn from `numpy.random.default_rng(seed)` as
`generate_workload` draws it, so the same arguments give an equal workload.

Training (`philly`, the marwage subset of Microsoft Philly: jobs with >= 4 GPUs). Each job keeps
its id, its GPU count, its run hours (clipped below at 1 minute) and its submission time, counted
in hours from the trace's first submission and × `time_scale` (compress < 1 < stretch). `scale`
keeps a random sample of round(scale × jobs) jobs (at least one), so the load fits the network;
submission hours still count from the whole trace's start. Allowed models, max price, deadline,
data region and data size are drawn as for generated jobs (the `training` preset's knobs).
**Assumption** (as for the generator): the trace's GPU-hours are read as H100 GPU-hours.

Inference (`azure-conv`, `azure-code`, `mooncake`). The trace becomes one service: tokens per
request are the trace's medians, its request rate is requests / seconds between the first and
last arrival, × `rps_scale`, split over every region by demand weight. Model size, allowed GPUs,
SLO and max price are drawn as for a generated service (the `inference` preset's knobs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from suanli.catalog.places import demand_regions
from suanli.catalog.workloads.mix import Floats, RequestProfile, region_weights
from suanli.catalog.workloads.presets import MIN_RUN_HOURS, SECONDS_PER_HOUR, workload_preset
from suanli.catalog.workloads.services import ServiceDraws, service_from, split_by_weight
from suanli.catalog.workloads.training import TrainingDraws, make_training_job
from suanli.domain import Region, TrainingJob, Workload
from suanli.errors import InvalidValueError, UnknownNameError
from suanli.traces import (
    LlmRequest,
    PhillyJob,
    load_azure_llm_requests,
    load_mooncake_requests,
    load_philly_jobs,
    trace_file,
)

RequestLoader = Callable[[Path], list[LlmRequest]]

PHILLY_FILE = "philly-derived-marwage/jobs.json"
INFERENCE_TRACES: dict[str, tuple[str, RequestLoader]] = {
    "azure-conv": (
        "azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv",
        load_azure_llm_requests,
    ),
    "azure-code": (
        "azure-llm-inference-2023/AzureLLMInferenceTrace_code.csv",
        load_azure_llm_requests,
    ),
    "mooncake": ("mooncake-fast25/conversation_trace.jsonl", load_mooncake_requests),
}
"""Inference trace name -> (file in the trace folder, its loader)."""

TRACES: dict[str, str] = {"philly": "training", **dict.fromkeys(INFERENCE_TRACES, "inference")}
"""Trace name -> the kind of work it replays: training or inference."""


@dataclass(frozen=True, slots=True)
class Replay:
    """A replayed workload and the hours its trace's submissions span (after `time_scale`;
    1 when the trace has no submissions to span)."""

    workload: Workload
    span_hours: float


def trace_kind(name: str) -> str:
    """training or inference; raises `UnknownNameError` listing the known traces."""
    if name not in TRACES:
        raise UnknownNameError("trace", name, list(TRACES))
    return TRACES[name]


def replay_trace(
    name: str,
    seed: int,
    *,
    scale: float = 1.0,
    time_scale: float = 1.0,
    rps_scale: float = 1.0,
    regions: Sequence[Region] | None = None,
) -> Replay:
    """Trace `name` (from `suanli.traces.trace_dir()`) as a workload for `regions` (default:
    the catalog's demand cities); `scale` and `time_scale` apply to training traces, `rps_scale`
    to inference traces (module docstring). A missing trace file raises `DataFileError`."""
    regions = tuple(demand_regions() if regions is None else regions)
    if trace_kind(name) == "training":
        jobs = load_philly_jobs(trace_file(PHILLY_FILE))
        return replay_jobs(name, jobs, seed, scale, time_scale, regions)
    file, load = INFERENCE_TRACES[name]
    return replay_requests(name, load(trace_file(file)), seed, rps_scale, regions)


def replay_jobs(
    name: str,
    jobs: Sequence[PhillyJob],
    seed: int,
    scale: float,
    time_scale: float,
    regions: Sequence[Region],
) -> Replay:
    """A sample of `jobs` as training jobs (module docstring)."""
    _check_scale("scale", scale, upper=1.0)
    _check_scale("time_scale", time_scale)
    if not jobs:
        raise InvalidValueError(f"trace {name!r} has no jobs")
    sample_rng, draw_rng = np.random.default_rng(seed).spawn(2)
    start = min(j.submitted for j in jobs)
    hours = np.array([(j.submitted - start).total_seconds() for j in jobs]) / SECONDS_PER_HOUR
    keep = max(1, round(scale * len(jobs)))
    picked = np.sort(sample_rng.choice(len(jobs), size=keep, replace=False))
    kept = [jobs[i] for i in picked]
    draws = _job_draws(draw_rng, kept, hours[picked] * time_scale, region_weights(regions))
    made = (_trace_job(i, draws, regions, kept[i].id) for i in range(keep))
    span = float(hours.max()) * time_scale
    workload = Workload(f"{name}-scale{scale:g}-seed{seed}", tuple(made), ())
    return Replay(workload, span or 1.0)


def _job_draws(
    rng: np.random.Generator, jobs: Sequence[PhillyJob], submit: Floats, weights: Floats
) -> TrainingDraws:
    gpus = np.array([j.gpus for j in jobs], dtype=np.int64)
    run = np.array([j.runtime_hours for j in jobs], dtype=np.float64)
    hours = np.maximum(run, MIN_RUN_HOURS).round(3)
    cfg = workload_preset("training")
    return TrainingDraws.around(rng, gpus, hours, cfg, weights, lambda: submit)


def _trace_job(i: int, draws: TrainingDraws, regions: Sequence[Region], job_id: str) -> TrainingJob:
    return replace(make_training_job(i, draws, regions), id=job_id)


def replay_requests(
    name: str,
    requests: Sequence[LlmRequest],
    seed: int,
    rps_scale: float,
    regions: Sequence[Region],
) -> Replay:
    """The requests as one service (module docstring)."""
    _check_scale("rps_scale", rps_scale)
    profile = trace_profile(name, requests)
    weights = region_weights(regions)
    total_rps = profile.requests_per_second * rps_scale
    demand = split_by_weight(total_rps, regions, weights, np.flatnonzero(weights))
    draws = ServiceDraws.sample(np.random.default_rng(seed), 1, workload_preset("inference"))
    service = service_from(name, 0, draws, profile, demand)
    return Replay(Workload(f"{name}-x{rps_scale:g}-seed{seed}", (), (service,)), 1.0)


def trace_profile(name: str, requests: Sequence[LlmRequest]) -> RequestProfile:
    """Median tokens per request and requests / second between the first and last arrival."""
    if len(requests) < 2:
        raise InvalidValueError(f"trace {name!r} needs at least 2 requests to have a rate")
    seconds = requests[-1].arrival_s - requests[0].arrival_s
    if seconds <= 0:
        raise InvalidValueError(f"trace {name!r}: every request arrives at the same time")
    return RequestProfile(
        name,
        round(float(np.median([r.input_tokens for r in requests]))),
        round(float(np.median([r.output_tokens for r in requests]))),
        len(requests) / seconds,
    )


def _check_scale(field: str, value: float, upper: float | None = None) -> None:
    if value <= 0 or (upper is not None and value > upper):
        bound = f"in (0, {upper:g}]" if upper is not None else "> 0"
        raise InvalidValueError(f"{field} must be {bound}, got {value:g}")
