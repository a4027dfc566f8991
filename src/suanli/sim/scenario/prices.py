"""The run's price index: per product (GPU model × hub) and step, what a GPU-hour cost there.

    index_k,c  = Σ_{p in c, online} GPUs_p × price_p,k / Σ_{p in c, online} GPUs_p
                 (price_p,k: the pool's price in cycle k, `pricing`; no pool online: missing)
    training   = index / (model's BF16 TFLOPS / H100's)      yuan per H100-equivalent hour
    decode     = index / (model's memory bandwidth / H100's)  yuan per H100-equivalent decode hour

So an H20 hour and an H100 hour compare on the work they do (`suanli.catalog.gpus`). Per GPU
model, the same mean over every product of the model gives the model's index, whose first and
last steps the summary reports.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from suanli.catalog.gpus import decode_h100_equivalent, training_h100_equivalent
from suanli.placement.costs import Floats
from suanli.sim.scenario.world import World


def _weighted(prices: Floats, online: Floats, groups: list[str]) -> dict[str, Floats]:
    """Per group name, the online-weighted mean price per step (NaN where nothing is online)."""
    out = {}
    for name in dict.fromkeys(groups):
        mask = np.array([g == name for g in groups])
        weight = online[mask].sum(axis=0)
        total = (prices[mask] * online[mask]).sum(axis=0)
        out[name] = np.divide(total, weight, out=np.full(weight.shape, np.nan), where=weight > 0)
    return out


def price_matrix(world: World) -> Floats:
    """Pools × steps: each pool's price in each cycle."""
    return np.array(world.price_log, dtype=np.float64).T.reshape(len(world.pool_ids), -1)


def online_matrix(world: World) -> Floats:
    """Pools × steps: GPUs online just after each cycle."""
    return np.array([c.online for c in world.cycles], dtype=np.float64).T.reshape(
        len(world.pool_ids), -1
    )


def index_by(world: World, key: str) -> dict[str, Floats]:
    """The index per product (`key="product"`) or per GPU model (`key="model"`)."""
    groups = world.products if key == "product" else world.pool_model
    return _weighted(price_matrix(world), online_matrix(world), groups)


def _round(values: Floats) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 4) for v in values]


def price_index(world: World) -> dict[str, Any]:
    """The result's `price_index`: hours, and per product its model and raw and H100-equivalent
    series."""
    hours = [c.hour for c in world.cycles]
    model_of = dict(zip(world.products, world.pool_model, strict=True))
    series = {}
    for product, values in index_by(world, "product").items():
        model = model_of[product]
        series[product] = {
            "gpu_model": model,
            "yuan_per_gpu_hour": _round(values),
            "yuan_per_h100_training_hour": _round(values / training_h100_equivalent(model)),
            "yuan_per_h100_decode_hour": _round(values / decode_h100_equivalent(model)),
        }
    return {"hours": hours, "products": series}


def model_index_summary(world: World) -> dict[str, Any]:
    """Per GPU model: its index at the first step, at its peak and at the last step, and the
    change from the peak to the last step."""
    out: dict[str, Any] = {}
    hours = np.array([c.hour for c in world.cycles])
    for model, values in index_by(world, "model").items():
        seen = np.isfinite(values)
        if not seen.any():
            continue
        first, last = float(values[seen][0]), float(values[seen][-1])
        peak_at = int(np.nanargmax(values))
        peak = float(values[peak_at])
        out[model] = {
            "first_yuan_per_gpu_hour": round(first, 4),
            "peak_yuan_per_gpu_hour": round(peak, 4),
            "peak_hour": round(float(hours[peak_at]), 4),
            "last_yuan_per_gpu_hour": round(last, 4),
            "change_from_peak": round(last / peak - 1.0, 4) if peak > 0 else None,
            "last_yuan_per_h100_training_hour": round(last / training_h100_equivalent(model), 4),
            "last_yuan_per_h100_decode_hour": round(last / decode_h100_equivalent(model), 4),
        }
    return out
