"""Synthetic workloads shaped by the public traces: `generate_workload(preset, jobs, seed)`.

Every number comes from a catalog table (each row names its source) or from a knob of
`WorkloadPreset`, whose defaults are assumptions. All randomness comes from one
`numpy.random.default_rng(seed)`, so the same arguments give an equal `Workload`.

Training jobs
-------------
GPUs per job. `job_mix` has two empirical components: *small* (openb whole-GPU pods by num_gpu,
mean m_s ≈ 1.093) and *large* (the Philly subset of jobs with >= 4 GPUs, mean m_l ≈ 7.130). Neither
is the whole Philly trace, whose mean is t = `philly_mean_gpus_per_job` = 1.928 (AcmeTrace). A job
is small with probability w, chosen so that the blend has Philly's mean:

    w·m_s + (1 − w)·m_l = t   =>   w = (m_l − t) / (m_l − m_s)   (≈ 0.862, `small_job_share()`)

Run hours (wall clock on the job's GPUs). Small jobs: lognormal with the whole Philly trace's median
M and mean A (`philly_median_run_seconds`, `philly_mean_run_seconds`); a lognormal's median is e^μ
and its mean e^(μ + σ²/2), so μ = ln M and σ = √(2 ln(A/M)) ≈ 2.46. Large jobs: lognormal with the
Philly subset's ln-hours mean and sd (`large_log_run_hours_mean`, `_sd`). Both are clipped to
[1 minute, `philly_max_run_seconds`]; the floor (an assumption) keeps rounded work positive, the cap
trims the small component's mean by about 10 %.

Work: `work_h100_gpu_hours = gpus × hours`. **Assumption**: the traces' GPU-hours (on 2017–2020
hardware) are read as H100-equivalent GPU-hours; the traces give the shape, not the speed.

Max price: the cheapest catalog rent among the allowed models × U(`price_multiplier`); a job that
allows any model is priced on the candidate models (`TRAINING_ANY_GPU`), not on the legacy trace
cards, whose rent (< 1 yuan) would price it out of every current GPU.
Deadline: hours × U(`deadline_slack`) + U(`deadline_extra_hours`).
Data region: drawn by demand weight.
Data size: lognormal (median `data_size_median_gb`, σ `data_size_sigma`), clipped to 10 GB .. 50 TB.
Submissions: a Poisson process conditioned on its count, i.e. sorted uniform times over a horizon
of `arrival_hours_per_100_jobs` × jobs / 100 hours.
Spot jobs: each job is preemptible with probability `preemptible_share` (0 in the shipped presets),
drawn after every other draw and only when the share is > 0, so a seed gives the same jobs with or
without it; every job checkpoints each `checkpoint_hours` (a fixed knob, default
`domain.CHECKPOINT_HOURS`) and is requeued when preempted.

Inference services
------------------
Tokens per request: `request_profiles` (median tokens of the Azure conv and code traces and the
Mooncake conversation trace). Total demand: lognormal with median = that trace's arrival rate
(`request_rates`: Azure conv ≈ 5.5, code ≈ 2.6, Mooncake ≈ 3.4 requests/s over about one hour) and σ
`rps_sigma`. Regions: k ~ U{1..all}, then k regions drawn by demand weight without replacement; the
demand is split by weight within them. Model weights: `model_sizes` (params × bytes/param). Allowed
GPUs: any (share `any_gpu_share_inference`) or one of `INFERENCE_GPU_SETS` whose every model holds
the weights in one 8-GPU node at <= 90 % of memory. Max price, in yuan per H100-equivalent decode
GPU-hour (decode throughput scales with memory bandwidth, `catalog.decode_h100_equivalent`): the
lowest rent / decode equivalent among the allowed models × U(`price_multiplier`), where "any" means
the candidate models that can hold the weights; so the limit is set on the model that serves the
most requests per yuan (an H20 before an RTX 4090), not on the cheapest card. Latency SLO: a tier
of `latency_tiers_ms`.

Floats are rounded to 3 decimals so that written files are stable.

Trace replay
------------
`replay_trace(name, seed, ...)` replays a public trace instead (`replay` module): Philly jobs keep
their GPUs, run hours and submission times, LLM inference traces become one service at the
trace's tokens and rate; what a trace lacks is drawn as above.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TypedDict

import numpy as np

from suanli.catalog.places import demand_regions
from suanli.catalog.workloads.mix import (
    ModelSize,
    RequestProfile,
    mean_gpus,
    model_sizes,
    region_weights,
    request_profiles,
    small_job_share,
    trace_stats,
)
from suanli.catalog.workloads.presets import (
    INFERENCE_GPU_SETS,
    PRESETS,
    TRAINING_ANY_GPU,
    TRAINING_GPU_SETS,
    WorkloadPreset,
    r3,
    workload_preset,
)
from suanli.catalog.workloads.replay import TRACES, Replay, replay_trace, trace_kind
from suanli.catalog.workloads.services import (
    ServiceDraws,
    limit_from_gpu_hour_limit,
    make_service,
    pricing_models,
    rent_per_h100_decode_hour,
    service_price_floor,
    suitable_gpu_sets,
)
from suanli.catalog.workloads.training import TrainingDraws, make_training_job
from suanli.domain import Region, Workload
from suanli.errors import InvalidValueError

__all__ = [
    "INFERENCE_GPU_SETS",
    "PRESETS",
    "TRACES",
    "TRAINING_ANY_GPU",
    "TRAINING_GPU_SETS",
    "ModelSize",
    "Replay",
    "RequestProfile",
    "WorkloadPreset",
    "WorkloadSummary",
    "generate_workload",
    "limit_from_gpu_hour_limit",
    "mean_gpus",
    "model_sizes",
    "pricing_models",
    "rent_per_h100_decode_hour",
    "replay_trace",
    "request_profiles",
    "service_price_floor",
    "small_job_share",
    "suitable_gpu_sets",
    "summarize",
    "trace_kind",
    "trace_stats",
    "workload_preset",
]


class WorkloadSummary(TypedDict):
    """The mix of a workload, as `summarize` reports it."""

    training_jobs: int
    services: int
    gpus_per_job: dict[int, int]
    h100_gpu_hours: float
    run_hours_median: float
    run_hours_p95: float
    rps_by_region: dict[str, float]


def generate_workload(
    preset: str | WorkloadPreset, jobs: int, seed: int, regions: Sequence[Region] | None = None
) -> Workload:
    """`jobs` training jobs and inference services mixed as `preset` (a name, or a preset with
    knobs changed by `replace`) says, for `regions` (default: the catalog's demand cities).
    Same arguments, equal workload."""
    cfg = preset if isinstance(preset, WorkloadPreset) else workload_preset(preset)
    if jobs < 1:
        raise InvalidValueError(f"jobs must be >= 1, got {jobs}; ask for at least one job")
    if seed < 0:
        raise InvalidValueError(f"seed must be >= 0, got {seed}")
    regions = tuple(demand_regions() if regions is None else regions)
    weights = region_weights(regions)
    n_training = round(jobs * cfg.training_share)
    horizon_h = cfg.arrival_hours_per_100_jobs * jobs / 100
    n_services = jobs - n_training
    training_rng, service_rng = np.random.default_rng(seed).spawn(2)
    training = TrainingDraws.sample(training_rng, n_training, horizon_h, cfg, weights)
    services = ServiceDraws.sample(service_rng, n_services, cfg)
    return Workload(
        name=f"{cfg.name}-{jobs}-seed{seed}",
        training_jobs=tuple(make_training_job(i, training, regions) for i in range(n_training)),
        services=tuple(
            make_service(service_rng, i, services, regions, weights) for i in range(n_services)
        ),
    )


def summarize(workload: Workload) -> WorkloadSummary:
    """Counts, GPU-count histogram, H100-equivalent GPU-hours, run hours and demand by region."""
    jobs = workload.training_jobs
    hours = np.array([j.h100_hours for j in jobs], dtype=np.float64)
    rps: defaultdict[str, float] = defaultdict(float)
    for service in workload.services:
        for d in service.demand:
            rps[d.region] += d.rps
    return WorkloadSummary(
        training_jobs=len(jobs),
        services=len(workload.services),
        gpus_per_job=dict(sorted(Counter(j.gpus for j in jobs).items())),
        h100_gpu_hours=r3(sum(j.work_h100_gpu_hours for j in jobs)),
        run_hours_median=r3(np.median(hours)) if jobs else 0.0,
        run_hours_p95=r3(np.percentile(hours, 95)) if jobs else 0.0,
        rps_by_region={r: r3(v) for r, v in sorted(rps.items())},
    )
