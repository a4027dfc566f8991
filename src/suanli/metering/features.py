"""Window features: what the detectors read, one array per feature, one entry per rollup row.

Derived features: `power_w` is the average power from the energy counter where the GPU reports
one, else the mean sampled power; `power_tdp` is that over the model's TDP; `power_cv` is the
sampled power's std over its mean; `interconnect_bytes` sums NVLink and PCIe tx and rx (NaN when
the GPU reports none of the four).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from suanli.catalog.gpus import gpu_model
from suanli.metering.models import resolve_model
from suanli.metering.rollup import Rollups

PASSED = (
    "gpu_util",
    "sm_active",
    "sm_occupancy",
    "tensor_active",
    "dram_active",
    "fb_used_mib",
    "power_w_std",
    "sm_active_std",
    "tensor_active_std",
)
TRAFFIC = ("nvlink_tx_bytes", "nvlink_rx_bytes", "pcie_tx_bytes", "pcie_rx_bytes")
Arrays = dict[str, NDArray[np.float64]]


def tdp_per_row(rollups: Rollups, default_model: str) -> NDArray[np.float64]:
    """Each row's TDP from its model label, the default model's where the label is unknown."""
    default = gpu_model(default_model).tdp_w
    table = []
    for label in rollups.dictionaries["model"]:
        model = resolve_model(label) if label else None
        table.append(model.tdp_w if model else default)
    return np.array(table, np.float64)[rollups.labels["model"]]


def window_features(rollups: Rollups, default_model: str) -> Arrays:
    values = rollups.values
    features = {name: values[name] for name in PASSED}
    features["samples"] = rollups.samples.astype(np.float64)
    energy_w, sampled = values["energy_w"], values["power_w"]
    power = np.where(np.isfinite(energy_w), energy_w, sampled)
    features["power_w"] = power
    features["tdp_w"] = tdp_per_row(rollups, default_model)
    features["power_tdp"] = power / features["tdp_w"]
    with np.errstate(divide="ignore", invalid="ignore"):
        features["power_cv"] = values["power_w_std"] / sampled
    traffic = np.stack([values[c] for c in TRAFFIC])
    reported = ~np.isnan(traffic).all(axis=0)
    features["interconnect_bytes"] = np.where(reported, np.nansum(traffic, axis=0), np.nan)
    return features
