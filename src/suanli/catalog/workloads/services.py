"""Inference services: request profile, model size, demand by region, SLO and price."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from suanli.catalog.gpus import gpu_model
from suanli.catalog.places import rents
from suanli.catalog.workloads.mix import (
    Bools,
    Floats,
    Ints,
    RequestProfile,
    model_sizes,
    request_profiles,
)
from suanli.catalog.workloads.presets import (
    GPUS_PER_NODE,
    INFERENCE_GPU_SETS,
    MEMORY_HEADROOM,
    WorkloadPreset,
    cheapest_rent,
    r3,
)
from suanli.domain import InferenceService, Region, RegionDemand


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
    return cheapest_rent(allowed or fitting or tuple(rents()))


def _allowed_for_service(weights_gb: float, any_gpu: bool, pick: float) -> tuple[str, ...]:
    sets = suitable_gpu_sets(weights_gb)
    return () if any_gpu or not sets else sets[int(pick * len(sets))]


def _split_demand(
    rng: np.random.Generator, total_rps: float, regions: Sequence[Region], weights: Floats
) -> tuple[RegionDemand, ...]:
    """Demand of one service over 1..all regions drawn by weight, split by weight among them."""
    k = int(rng.integers(1, np.count_nonzero(weights) + 1))
    chosen = np.sort(rng.choice(len(regions), size=k, replace=False, p=weights))
    return split_by_weight(total_rps, regions, weights, chosen)


def split_by_weight(
    total_rps: float, regions: Sequence[Region], weights: Floats, chosen: Ints
) -> tuple[RegionDemand, ...]:
    """`total_rps` split among the `chosen` regions (indices) by their demand weight."""
    share = weights[chosen] / weights[chosen].sum()
    return tuple(
        RegionDemand(regions[i].id, max(r3(total_rps * s), 0.001))
        for i, s in zip(chosen, share, strict=True)
    )


@dataclass(frozen=True, slots=True)
class ServiceDraws:
    """The per-service scalars of `n` services, drawn at once (regions are drawn per service)."""

    profile: Ints
    size: Ints
    rps_factor: Floats
    slo_ms: Floats
    multiplier: Floats
    any_gpu: Bools
    pick: Floats

    @staticmethod
    def sample(rng: np.random.Generator, n: int, cfg: WorkloadPreset) -> ServiceDraws:
        shares = np.array([s.share for s in model_sizes()])
        return ServiceDraws(
            profile=rng.integers(len(request_profiles()), size=n),
            size=rng.choice(len(shares), size=n, p=shares / shares.sum()),
            rps_factor=rng.lognormal(0.0, cfg.rps_sigma, n),
            slo_ms=rng.choice(np.array(cfg.latency_tiers_ms), size=n),
            multiplier=rng.uniform(*cfg.price_multiplier, n),
            any_gpu=rng.random(n) < cfg.any_gpu_share_inference,
            pick=rng.random(n),
        )


def make_service(
    rng: np.random.Generator, i: int, d: ServiceDraws, regions: Sequence[Region], weights: Floats
) -> InferenceService:
    profile = request_profiles()[d.profile[i]]
    total_rps = profile.requests_per_second * float(d.rps_factor[i])
    demand = _split_demand(rng, total_rps, regions, weights)
    return service_from(f"svc-{i + 1:05d}", i, d, profile, demand)


def service_from(
    service_id: str,
    i: int,
    d: ServiceDraws,
    profile: RequestProfile,
    demand: tuple[RegionDemand, ...],
) -> InferenceService:
    """Service `i` of the draws `d` (model size, allowed GPUs, SLO, price) with the tokens of
    `profile` and the given demand."""
    weights_gb = model_sizes()[d.size[i]].weights_gb
    allowed = _allowed_for_service(weights_gb, bool(d.any_gpu[i]), float(d.pick[i]))
    return InferenceService(
        id=service_id,
        model_weights_gb=weights_gb,
        demand=demand,
        input_tokens_per_request=profile.input_tokens,
        output_tokens_per_request=profile.output_tokens,
        latency_slo_rtt_ms=float(d.slo_ms[i]),
        max_price_yuan_per_gpu_hour=r3(_service_price_floor(weights_gb, allowed) * d.multiplier[i]),
        allowed_gpu_models=allowed,
    )
