"""Workload presets by name, and the knobs (assumptions) they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from suanli.catalog.places import rents
from suanli.domain import CHECKPOINT_HOURS
from suanli.domain.checks import positive, require
from suanli.errors import UnknownNameError

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
    preemptible_share: float = 0.0  # training jobs that run at the spot price (preemptible)
    checkpoint_hours: float = CHECKPOINT_HOURS  # every job's hours between checkpoints (fixed)

    def __post_init__(self) -> None:
        require(
            0.0 <= self.preemptible_share <= 1.0,
            f"preemptible_share must be within 0..1, got {self.preemptible_share}",
        )
        positive("checkpoint_hours", self.checkpoint_hours)


PRESETS: dict[str, WorkloadPreset] = {
    p.name: p
    for p in (
        WorkloadPreset("mixed", 0.6, "about 60 % training jobs and 40 % inference services"),
        WorkloadPreset("training", 1.0, "training jobs only"),
        WorkloadPreset("inference", 0.0, "inference services only"),
    )
}


def workload_preset(name: str) -> WorkloadPreset:
    """The registered preset `name`; raises `UnknownNameError` listing the known ones."""
    if name not in PRESETS:
        raise UnknownNameError("workload preset", name, list(PRESETS))
    return PRESETS[name]


def cheapest_rent(models: Sequence[str]) -> float:
    return min(rents()[m] for m in models)


def r3(x: float | np.floating) -> float:
    """Round to 3 decimals so that written files are stable."""
    return round(float(x), 3)
