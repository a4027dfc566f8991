"""Inference services: request profile, model size, demand by region, SLO and price."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from suanli.catalog.gpus import decode_h100_equivalent, gpu_model
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
    r3,
)
from suanli.domain import InferenceService, Region, RegionDemand


def _fits(weights_gb: float, model: str) -> bool:
    return weights_gb <= MEMORY_HEADROOM * GPUS_PER_NODE * gpu_model(model).memory_gb


@cache
def suitable_gpu_sets(weights_gb: float) -> tuple[tuple[str, ...], ...]:
    """The sets of `INFERENCE_GPU_SETS` whose every model can hold `weights_gb` in one node."""
    return tuple(s for s in INFERENCE_GPU_SETS if all(_fits(weights_gb, m) for m in s))


def pricing_models(weights_gb: float, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The models a service's limit is priced on: the allowed ones; for "any", the candidate
    models that can hold the weights (all rented models if none can)."""
    fitting = tuple(m for s in suitable_gpu_sets(weights_gb) for m in s)
    return allowed or fitting or tuple(rents())


def rent_per_h100_decode_hour(model: str) -> float:
    """The catalog rent of `model` per H100-equivalent decode GPU-hour: what its work costs."""
    return rents()[model] / decode_h100_equivalent(model)


def service_price_floor(weights_gb: float, allowed: tuple[str, ...]) -> float:
    """The lowest rent per H100-equivalent decode GPU-hour among `pricing_models`: the buyer's
    limit is set on the best value for work, not on the cheapest card."""
    return min(rent_per_h100_decode_hour(m) for m in pricing_models(weights_gb, allowed))


def limit_from_gpu_hour_limit(
    yuan_per_gpu_hour: float, weights_gb: float, allowed: tuple[str, ...]
) -> float:
    """A service limit per raw GPU-hour (older files' `max_price_yuan_per_gpu_hour`) as yuan per
    H100-equivalent decode GPU-hour: the limit / `decode_h100_equivalent(m)`, m the model such a
    limit was priced on, the cheapest rent among `pricing_models` (the old generator's rule)."""
    priced_on = min(pricing_models(weights_gb, allowed), key=lambda m: rents()[m])
    return yuan_per_gpu_hour / decode_h100_equivalent(priced_on)


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
        max_price_yuan_per_h100_decode_hour=r3(
            service_price_floor(weights_gb, allowed) * d.multiplier[i]
        ),
        allowed_gpu_models=allowed,
    )
