"""Training jobs: GPUs, run hours, prices, deadlines and data, drawn at once."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from suanli.catalog.workloads.mix import (
    Bools,
    Floats,
    Ints,
    component,
    small_job_share,
    trace_stats,
)
from suanli.catalog.workloads.presets import (
    DATA_SIZE_GB_RANGE,
    MIN_RUN_HOURS,
    SECONDS_PER_HOUR,
    TRAINING_ANY_GPU,
    TRAINING_GPU_SETS,
    WorkloadPreset,
    cheapest_rent,
    r3,
)
from suanli.domain import Region, TrainingJob


def _sample_gpus(rng: np.random.Generator, n: int) -> tuple[Ints, Bools]:
    small = rng.random(n) < small_job_share()
    gpus = np.empty(n, dtype=np.int64)
    for name, mask in (("small", small), ("large", ~small)):
        values, p = component(name)
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


def _sample_preemptible(rng: np.random.Generator, n: int, cfg: WorkloadPreset) -> Bools:
    """Spot jobs with probability `preemptible_share`; no draw at share 0, so that the presets
    without spot jobs draw exactly what they drew before the knob existed."""
    if cfg.preemptible_share <= 0:
        return np.zeros(n, dtype=np.bool_)
    return rng.random(n) < cfg.preemptible_share


@dataclass(frozen=True, slots=True)
class TrainingDraws:
    """Everything random about `n` training jobs, drawn at once."""

    gpus: Ints
    hours: Floats
    allowed: list[tuple[str, ...]]
    price: Floats
    deadline: Floats
    region: Ints
    data_gb: Floats
    submit: Floats
    preemptible: Bools
    checkpoint_hours: float

    @staticmethod
    def sample(
        rng: np.random.Generator, n: int, horizon_h: float, cfg: WorkloadPreset, weights: Floats
    ) -> TrainingDraws:
        gpus, small = _sample_gpus(rng, n)
        hours = np.round(_sample_run_hours(rng, small), 3)
        return TrainingDraws.around(
            rng, gpus, hours, cfg, weights, lambda: np.sort(rng.uniform(0.0, horizon_h, n))
        )

    @staticmethod
    def around(
        rng: np.random.Generator,
        gpus: Ints,
        hours: Floats,
        cfg: WorkloadPreset,
        weights: Floats,
        submit: Callable[[], Floats],
    ) -> TrainingDraws:
        """Allowed models, prices, deadlines, data regions and sizes drawn for jobs of known
        GPUs and run hours; `submit` gives their submission hours (it may draw); which jobs are
        preemptible is drawn after everything else, so a seed keeps its jobs when it is added."""
        n = gpus.size
        shares = np.array([share for _, share in TRAINING_GPU_SETS])
        sets = rng.choice(len(TRAINING_GPU_SETS), size=n, p=shares / shares.sum())
        allowed = [TRAINING_GPU_SETS[i][0] for i in sets]
        floor = np.array([cheapest_rent(a or TRAINING_ANY_GPU) for a in allowed], dtype=np.float64)
        slack = rng.uniform(*cfg.deadline_slack, n)
        price = floor * rng.uniform(*cfg.price_multiplier, n)
        deadline = hours * slack + rng.uniform(*cfg.deadline_extra_hours, n)
        region = rng.choice(len(weights), size=n, p=weights)
        data_gb = _sample_data_gb(rng, n, cfg)
        submitted = submit()
        return TrainingDraws(
            gpus=gpus,
            hours=hours,
            allowed=allowed,
            price=price,
            deadline=deadline,
            region=region,
            data_gb=data_gb,
            submit=submitted,
            preemptible=_sample_preemptible(rng, n, cfg),
            checkpoint_hours=cfg.checkpoint_hours,
        )


def make_training_job(i: int, d: TrainingDraws, regions: Sequence[Region]) -> TrainingJob:
    return TrainingJob(
        id=f"job-{i + 1:05d}",
        gpus=int(d.gpus[i]),
        work_h100_gpu_hours=r3(d.gpus[i] * d.hours[i]),
        max_price_yuan_per_gpu_hour=r3(d.price[i]),
        deadline_hours=r3(d.deadline[i]),
        data_region=regions[d.region[i]].id,
        data_size_gb=r3(d.data_gb[i]),
        allowed_gpu_models=d.allowed[i],
        submit_hour=r3(d.submit[i]),
        preemptible=bool(d.preemptible[i]),
        checkpoint_hours=d.checkpoint_hours,
    )
