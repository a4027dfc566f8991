"""Trace-derived catalog tables that shape generated workloads (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from suanli.catalog.tables import read_table
from suanli.domain import Region
from suanli.errors import InvalidValueError

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


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


@cache
def trace_stats() -> dict[str, float]:
    return {r["name"]: float(r["value"]) for r in read_table("trace_stats")}


@cache
def component(name: str) -> tuple[Ints, Floats]:
    """GPU counts of one `job_mix` component and their probabilities."""
    rows = [r for r in read_table("job_mix") if r["component"] == name]
    gpus = np.array([int(r["gpus"]) for r in rows], dtype=np.int64)
    counts = np.array([float(r["count"]) for r in rows])
    return gpus, counts / counts.sum()


def mean_gpus(name: str) -> float:
    gpus, p = component(name)
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


def region_weights(regions: Sequence[Region]) -> Floats:
    """The regions' demand weights, normalized to sum to 1."""
    w = np.array([r.demand_weight for r in regions], dtype=np.float64)
    if w.size == 0 or w.sum() <= 0:
        raise InvalidValueError(
            "regions must be non-empty with a positive total demand_weight; "
            "give at least one region a weight > 0"
        )
    total: float = w.sum()
    return w / total
