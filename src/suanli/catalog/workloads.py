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

Inference services
------------------
Tokens per request: `request_profiles` (median tokens of the Azure conv and code traces and the
Mooncake conversation trace). Total demand: lognormal with median = that trace's arrival rate
(`request_rates`: Azure conv ≈ 5.5, code ≈ 2.6, Mooncake ≈ 3.4 requests/s over about one hour) and σ
`rps_sigma`. Regions: k ~ U{1..all}, then k regions drawn by demand weight without replacement; the
demand is split by weight within them. Model weights: `model_sizes` (params × bytes/param). Allowed
GPUs: any (share `any_gpu_share_inference`) or one of `INFERENCE_GPU_SETS` whose every model holds
the weights in one 8-GPU node at <= 90 % of memory. Max price as for training, where "any" means the
candidate models that can hold the weights. Latency SLO: a tier of `latency_tiers_ms`.

Floats are rounded to 3 decimals so that written files are stable.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

from suanli.catalog.gpus import gpu_model
from suanli.catalog.places import demand_regions, rents
from suanli.catalog.tables import read_table
from suanli.domain import InferenceService, Region, RegionDemand, TrainingJob, Workload
from suanli.errors import InvalidValueError, UnknownNameError

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

SECONDS_PER_HOUR = 3600.0
MIN_RUN_HOURS = 1 / 60
DATA_SIZE_GB_RANGE = (10.0, 50_000.0)
GPUS_PER_NODE = 8
MEMORY_HEADROOM = 0.9
"""Weights may fill at most this share of a node's GPU memory; the rest is KV cache and runtime."""

TRAINING_GPU_SETS: tuple[tuple[tuple[str, ...], float], ...] = (
    ((), 0.35),
    (("H100", "H800"), 0.20),
    (("H100", "H800", "A800", "A100"), 0.25),
    (("A800", "A100"), 0.10),
    (("910B",), 0.10),
)
"""Allowed models of training jobs with their shares (assumption: any, Hopper only, NVIDIA
datacenter parts, Ampere only, or domestic Ascend only)."""

TRAINING_ANY_GPU: tuple[str, ...] = tuple(dict.fromkeys(m for s, _ in TRAINING_GPU_SETS for m in s))
"""The models whose cheapest rent prices a training job that accepts any model. Not every rented
model: the legacy trace cards (P100, T4 ...) rent for < 1 yuan and would price such jobs out of
every current GPU."""

INFERENCE_GPU_SETS: tuple[tuple[str, ...], ...] = (
    ("H20",),
    ("H100", "H800"),
    ("H20", "H100", "H800"),
    ("A100", "A800"),
    ("910B",),
    ("L40S",),
    ("RTX4090", "L40S"),
)
"""Candidate allowed-model sets of services; only those that can hold the weights are drawn."""


@dataclass(frozen=True, slots=True)
class WorkloadPreset:
    """A named workload mix. Knobs after `help` are assumptions shared by the presets."""

    name: str
    training_share: float  # share of `jobs` that are training jobs; the rest are services
    help: str
    price_multiplier: tuple[float, float] = (1.0, 1.6)  # max price / cheapest allowed rent
    deadline_slack: tuple[float, float] = (1.5, 4.0)  # deadline / run hours
    deadline_extra_hours: tuple[float, float] = (1.0, 12.0)  # added to the deadline
    arrival_hours_per_100_jobs: float = 24.0  # submission horizon per 100 requested jobs
    data_size_median_gb: float = 200.0
    data_size_sigma: float = 2.0  # of ln(data size)
    rps_sigma: float = 1.0  # of ln(total requests/s) around the trace's rate
    any_gpu_share_inference: float = 0.4  # services that accept any GPU model
    latency_tiers_ms: tuple[float, ...] = (5.0, 10.0, 20.0, 30.0, 50.0)


PRESETS: dict[str, WorkloadPreset] = {
    p.name: p
    for p in (
        WorkloadPreset("mixed", 0.6, "about 60 % training jobs and 40 % inference services"),
        WorkloadPreset("training", 1.0, "training jobs only"),
        WorkloadPreset("inference", 0.0, "inference services only"),
    )
}


@dataclass(frozen=True, slots=True)
class RequestProfile:
    """Median tokens per request and the arrival rate of one public inference trace."""

    name: str
    input_tokens: int
    output_tokens: int
    requests_per_second: float


@dataclass(frozen=True, slots=True)
class ModelSize:
    """A common served model size and its (assumed) share of services."""

    name: str
    weights_gb: float
    share: float


class WorkloadSummary(TypedDict):
    """The mix of a workload, as `summarize` reports it."""

    training_jobs: int
    services: int
    gpus_per_job: dict[int, int]
    h100_gpu_hours: float
    run_hours_median: float
    run_hours_p95: float
    rps_by_region: dict[str, float]


# --- catalog tables -----------------------------------------------------------------------------


@cache
def trace_stats() -> dict[str, float]:
    return {r["name"]: float(r["value"]) for r in read_table("trace_stats")}


@cache
def _component(name: str) -> tuple[Ints, Floats]:
    """GPU counts of one `job_mix` component and their probabilities."""
    rows = [r for r in read_table("job_mix") if r["component"] == name]
    gpus = np.array([int(r["gpus"]) for r in rows], dtype=np.int64)
    counts = np.array([float(r["count"]) for r in rows])
    return gpus, counts / counts.sum()


def mean_gpus(component: str) -> float:
    gpus, p = _component(component)
    return float(np.dot(gpus, p))


def small_job_share() -> float:
    """w such that w·m_s + (1 − w)·m_l equals Philly's mean GPUs per job (module docstring)."""
    m_small, m_large = mean_gpus("small"), mean_gpus("large")
    target = trace_stats()["philly_mean_gpus_per_job"]
    return (m_large - target) / (m_large - m_small)


@cache
def request_profiles() -> tuple[RequestProfile, ...]:
    rates = {r["profile"]: float(r["requests_per_second"]) for r in read_table("request_rates")}
    return tuple(
        RequestProfile(
            r["profile"], int(r["input_tokens"]), int(r["output_tokens"]), rates[r["profile"]]
        )
        for r in read_table("request_profiles")
    )


@cache
def model_sizes() -> tuple[ModelSize, ...]:
    return tuple(
        ModelSize(
            r["name"],
            float(r["params_billion"]) * float(r["bytes_per_param"]),
            float(r["share"]),
        )
        for r in read_table("model_sizes")
    )


# --- the generator ------------------------------------------------------------------------------


def workload_preset(name: str) -> WorkloadPreset:
    """The registered preset `name`; raises `UnknownNameError` listing the known ones."""
    if name not in PRESETS:
        raise UnknownNameError("workload preset", name, list(PRESETS))
    return PRESETS[name]


def generate_workload(
    preset: str, jobs: int, seed: int, regions: Sequence[Region] | None = None
) -> Workload:
    """`jobs` training jobs and inference services mixed as `preset` says, for `regions`
    (default: the catalog's demand cities). Same arguments, equal workload."""
    cfg = workload_preset(preset)
    if jobs < 1:
        raise InvalidValueError(f"jobs must be >= 1, got {jobs}; ask for at least one job")
    if seed < 0:
        raise InvalidValueError(f"seed must be >= 0, got {seed}")
    regions = tuple(demand_regions() if regions is None else regions)
    weights = _region_weights(regions)
    n_training = round(jobs * cfg.training_share)
    horizon_h = cfg.arrival_hours_per_100_jobs * jobs / 100
    n_services = jobs - n_training
    training_rng, service_rng = np.random.default_rng(seed).spawn(2)
    training = _TrainingDraws.sample(training_rng, n_training, horizon_h, cfg, weights)
    services = _ServiceDraws.sample(service_rng, n_services, cfg)
    return Workload(
        name=f"{cfg.name}-{jobs}-seed{seed}",
        training_jobs=tuple(_training_job(i, training, regions) for i in range(n_training)),
        services=tuple(
            _service(service_rng, i, services, regions, weights) for i in range(n_services)
        ),
    )


def _region_weights(regions: Sequence[Region]) -> Floats:
    w = np.array([r.demand_weight for r in regions], dtype=np.float64)
    if w.size == 0 or w.sum() <= 0:
        raise InvalidValueError(
            "regions must be non-empty with a positive total demand_weight; "
            "give at least one region a weight > 0"
        )
    total: float = w.sum()
    return w / total


def _cheapest_rent(models: Sequence[str]) -> float:
    return min(rents()[m] for m in models)


def _r3(x: float | np.floating) -> float:
    return round(float(x), 3)


# --- training jobs ------------------------------------------------------------------------------


def _sample_gpus(rng: np.random.Generator, n: int) -> tuple[Ints, Bools]:
    small = rng.random(n) < small_job_share()
    gpus = np.empty(n, dtype=np.int64)
    for name, mask in (("small", small), ("large", ~small)):
        values, p = _component(name)
        gpus[mask] = rng.choice(values, size=int(mask.sum()), p=p)
    return gpus, small


def _sample_run_hours(rng: np.random.Generator, small: Bools) -> Floats:
    s = trace_stats()
    median_s, mean_s = s["philly_median_run_seconds"], s["philly_mean_run_seconds"]
    small_mu = math.log(median_s / SECONDS_PER_HOUR)
    small_sigma = math.sqrt(2 * math.log(mean_s / median_s))
    mu = np.where(small, small_mu, s["large_log_run_hours_mean"])
    sigma = np.where(small, small_sigma, s["large_log_run_hours_sd"])
    hours = np.exp(mu + sigma * rng.standard_normal(small.size))
    return np.clip(hours, MIN_RUN_HOURS, s["philly_max_run_seconds"] / SECONDS_PER_HOUR)


def _sample_data_gb(rng: np.random.Generator, n: int, cfg: WorkloadPreset) -> Floats:
    sizes = rng.lognormal(math.log(cfg.data_size_median_gb), cfg.data_size_sigma, n)
    return np.clip(sizes, *DATA_SIZE_GB_RANGE)


@dataclass(frozen=True, slots=True)
class _TrainingDraws:
    """Everything random about `n` training jobs, drawn at once."""

    gpus: Ints
    hours: Floats
    allowed: list[tuple[str, ...]]
    price: Floats
    deadline: Floats
    region: Ints
    data_gb: Floats
    submit: Floats

    @staticmethod
    def sample(
        rng: np.random.Generator, n: int, horizon_h: float, cfg: WorkloadPreset, weights: Floats
    ) -> _TrainingDraws:
        gpus, small = _sample_gpus(rng, n)
        hours = np.round(_sample_run_hours(rng, small), 3)
        shares = np.array([share for _, share in TRAINING_GPU_SETS])
        sets = rng.choice(len(TRAINING_GPU_SETS), size=n, p=shares / shares.sum())
        allowed = [TRAINING_GPU_SETS[i][0] for i in sets]
        floor = np.array([_cheapest_rent(a or TRAINING_ANY_GPU) for a in allowed], dtype=np.float64)
        slack = rng.uniform(*cfg.deadline_slack, n)
        return _TrainingDraws(
            gpus=gpus,
            hours=hours,
            allowed=allowed,
            price=floor * rng.uniform(*cfg.price_multiplier, n),
            deadline=hours * slack + rng.uniform(*cfg.deadline_extra_hours, n),
            region=rng.choice(len(weights), size=n, p=weights),
            data_gb=_sample_data_gb(rng, n, cfg),
            submit=np.sort(rng.uniform(0.0, horizon_h, n)),
        )


def _training_job(i: int, d: _TrainingDraws, regions: Sequence[Region]) -> TrainingJob:
    return TrainingJob(
        id=f"job-{i + 1:05d}",
        gpus=int(d.gpus[i]),
        work_h100_gpu_hours=_r3(d.gpus[i] * d.hours[i]),
        max_price_yuan_per_gpu_hour=_r3(d.price[i]),
        deadline_hours=_r3(d.deadline[i]),
        data_region=regions[d.region[i]].id,
        data_size_gb=_r3(d.data_gb[i]),
        allowed_gpu_models=d.allowed[i],
        submit_hour=_r3(d.submit[i]),
    )


# --- inference services -------------------------------------------------------------------------


def _fits(weights_gb: float, model: str) -> bool:
    return weights_gb <= MEMORY_HEADROOM * GPUS_PER_NODE * gpu_model(model).memory_gb


@cache
def suitable_gpu_sets(weights_gb: float) -> tuple[tuple[str, ...], ...]:
    """The sets of `INFERENCE_GPU_SETS` whose every model can hold `weights_gb` in one node."""
    return tuple(s for s in INFERENCE_GPU_SETS if all(_fits(weights_gb, m) for m in s))


def _service_price_floor(weights_gb: float, allowed: tuple[str, ...]) -> float:
    """Cheapest rent among the allowed models; for "any", among the candidate models that can
    hold the weights (all rented models if none can)."""
    fitting = tuple(m for s in suitable_gpu_sets(weights_gb) for m in s)
    return _cheapest_rent(allowed or fitting or tuple(rents()))


def _allowed_for_service(weights_gb: float, any_gpu: bool, pick: float) -> tuple[str, ...]:
    sets = suitable_gpu_sets(weights_gb)
    return () if any_gpu or not sets else sets[int(pick * len(sets))]


def _split_demand(
    rng: np.random.Generator, total_rps: float, regions: Sequence[Region], weights: Floats
) -> tuple[RegionDemand, ...]:
    """Demand of one service over 1..all regions drawn by weight, split by weight among them."""
    k = int(rng.integers(1, np.count_nonzero(weights) + 1))
    chosen = np.sort(rng.choice(len(regions), size=k, replace=False, p=weights))
    share = weights[chosen] / weights[chosen].sum()
    return tuple(
        RegionDemand(regions[i].id, max(_r3(total_rps * s), 0.001))
        for i, s in zip(chosen, share, strict=True)
    )


@dataclass(frozen=True, slots=True)
class _ServiceDraws:
    """The per-service scalars of `n` services, drawn at once (regions are drawn per service)."""

    profile: Ints
    size: Ints
    rps_factor: Floats
    slo_ms: Floats
    multiplier: Floats
    any_gpu: Bools
    pick: Floats

    @staticmethod
    def sample(rng: np.random.Generator, n: int, cfg: WorkloadPreset) -> _ServiceDraws:
        shares = np.array([s.share for s in model_sizes()])
        return _ServiceDraws(
            profile=rng.integers(len(request_profiles()), size=n),
            size=rng.choice(len(shares), size=n, p=shares / shares.sum()),
            rps_factor=rng.lognormal(0.0, cfg.rps_sigma, n),
            slo_ms=rng.choice(np.array(cfg.latency_tiers_ms), size=n),
            multiplier=rng.uniform(*cfg.price_multiplier, n),
            any_gpu=rng.random(n) < cfg.any_gpu_share_inference,
            pick=rng.random(n),
        )


def _service(
    rng: np.random.Generator, i: int, d: _ServiceDraws, regions: Sequence[Region], weights: Floats
) -> InferenceService:
    profile = request_profiles()[d.profile[i]]
    weights_gb = model_sizes()[d.size[i]].weights_gb
    allowed = _allowed_for_service(weights_gb, bool(d.any_gpu[i]), float(d.pick[i]))
    total_rps = profile.requests_per_second * float(d.rps_factor[i])
    return InferenceService(
        id=f"svc-{i + 1:05d}",
        model_weights_gb=weights_gb,
        demand=_split_demand(rng, total_rps, regions, weights),
        input_tokens_per_request=profile.input_tokens,
        output_tokens_per_request=profile.output_tokens,
        latency_slo_rtt_ms=float(d.slo_ms[i]),
        max_price_yuan_per_gpu_hour=_r3(
            _service_price_floor(weights_gb, allowed) * d.multiplier[i]
        ),
        allowed_gpu_models=allowed,
    )


# --- summary ------------------------------------------------------------------------------------


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
        h100_gpu_hours=_r3(sum(j.work_h100_gpu_hours for j in jobs)),
        run_hours_median=_r3(np.median(hours)) if jobs else 0.0,
        run_hours_p95=_r3(np.percentile(hours, 95)) if jobs else 0.0,
        rps_by_region={r: _r3(v) for r, v in sorted(rps.items())},
    )
