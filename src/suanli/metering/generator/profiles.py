"""What each pattern's telemetry looks like, as arrays (GPUs × steps), shares on 0–1.

The levels follow DOMAIN.md §4–§5 for an H100 (TDP 700 W) and scale with the model's TDP:
- training: SM active 0.85–0.97, tensor 0.45–0.65, 400–700 W, NVLink tens of GB/s; slow drift,
  sample noise and a checkpoint dip (one sample) every 30–60 minutes;
- inference-decode: SM 0.2–0.4, DRAM 0.5–0.8 (bandwidth-bound), 35–60 % of TDP, PCIe requests,
  load swinging over the day;
- idle-held: a CUDA context and weights held, nothing running: 90–130 W, frame buffer used,
  every activity field at 0;
- spinner: a one-thread kernel keeps GPU_UTIL at 100 % while SM active stays near 1/132 and the
  board draws idle-held power plus a little;
- loadgen: a synthetic load generator: a flat plateau (tensor ~0.72, SM ~0.97, ~640 W) with
  almost no variance and no NVLink or PCIe traffic.
Patterns built from these (replay, gaps) are assembled in `timeline`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Profile = Callable[[np.random.Generator, Array, Array, float], dict[str, Array]]
"""(rng, seconds since start (steps,), per-GPU traits (GPUs × 4) in [0, 1), TDP W) -> fields."""
H100_TDP = 700.0


def _noise(rng: np.random.Generator, like: Array, sd: float) -> Array:
    return rng.normal(0.0, sd, like.shape)


def _drift(t: Array, traits: Array, period_s: float | Array, amplitude: float) -> Array:
    phase = 2 * np.pi * traits[:, :1]
    return amplitude * np.sin(2 * np.pi * t[None, :] / period_s + phase)


def _zeros(traits: Array, t: Array) -> Array:
    return np.zeros((len(traits), len(t)))


def training(rng: np.random.Generator, t: Array, traits: Array, tdp: float) -> dict[str, Array]:
    zero = _zeros(traits, t)
    drift = _drift(t, traits, 1800.0 + 1800.0 * traits[:, 1:2], 1.0)
    period = (60 + (traits[:, 2:3] * 60).astype(int)) * 60.0
    dip = ((t[None, :] + traits[:, 3:4] * 3600.0) % period) < 30.0
    sm = np.clip(0.92 + 0.015 * drift + _noise(rng, zero, 0.012), 0.0, 0.99)
    power = np.clip(tdp * (0.81 + 0.05 * drift) + _noise(rng, zero, 0.035 * tdp), 0.58 * tdp, tdp)
    fields = {
        "sm_active": np.where(dip, 0.45, sm),
        "sm_occupancy": np.clip(0.42 * sm + _noise(rng, zero, 0.02), 0.0, 1.0),
        "tensor_active": np.where(
            dip, 0.1, np.clip(0.55 + 0.04 * drift + _noise(rng, zero, 0.04), 0, 1)
        ),
        "dram_active": np.clip(0.38 + _noise(rng, zero, 0.04), 0.0, 1.0),
        "gpu_util": np.where(rng.random(zero.shape) < 0.1, 0.99, 1.0),
        "power_w": np.where(dip, 0.45 * tdp, power),
        "fb_used_mib": 76_000.0 + np.round(_noise(rng, zero, 150.0)),
        "nvlink_tx_bytes": 4.5e10 * np.clip(1.0 + _noise(rng, zero, 0.12), 0.2, 2.0),
        "nvlink_rx_bytes": 4.5e10 * np.clip(1.0 + _noise(rng, zero, 0.12), 0.2, 2.0),
        "pcie_tx_bytes": 1.2e9 * np.clip(1.0 + _noise(rng, zero, 0.3), 0.05, 3.0),
        "pcie_rx_bytes": 2.5e9 * np.clip(1.0 + _noise(rng, zero, 0.3), 0.05, 3.0),
    }
    return fields


def inference_decode(
    rng: np.random.Generator, t: Array, traits: Array, tdp: float
) -> dict[str, Array]:
    zero = _zeros(traits, t)
    load = np.clip(
        0.6 + 0.25 * _drift(t, traits, 86_400.0, 1.0) + _noise(rng, zero, 0.06), 0.2, 1.0
    )
    return {
        "sm_active": np.clip(0.15 + 0.25 * load + _noise(rng, zero, 0.02), 0.0, 1.0),
        "sm_occupancy": np.clip(0.08 + 0.1 * load + _noise(rng, zero, 0.01), 0.0, 1.0),
        "tensor_active": np.clip(0.03 + 0.1 * load + _noise(rng, zero, 0.015), 0.0, 1.0),
        "dram_active": np.clip(0.35 + 0.45 * load + _noise(rng, zero, 0.03), 0.0, 1.0),
        "gpu_util": np.clip(np.round(85 + 15 * load + _noise(rng, zero, 2.0)), 0, 100) / 100.0,
        "power_w": tdp * (0.32 + 0.3 * load) + _noise(rng, zero, 0.02 * tdp),
        "fb_used_mib": 72_000.0 + np.round(600 * load),
        "nvlink_tx_bytes": 8e8 * load * np.clip(1.0 + _noise(rng, zero, 0.2), 0.1, 2.0),
        "nvlink_rx_bytes": 8e8 * load * np.clip(1.0 + _noise(rng, zero, 0.2), 0.1, 2.0),
        "pcie_tx_bytes": 3e8 * load * np.clip(1.0 + _noise(rng, zero, 0.3), 0.1, 3.0),
        "pcie_rx_bytes": 1.5e8 * load * np.clip(1.0 + _noise(rng, zero, 0.3), 0.1, 3.0),
    }


def idle_held(rng: np.random.Generator, t: Array, traits: Array, tdp: float) -> dict[str, Array]:
    zero = _zeros(traits, t)
    base = (95.0 + 25.0 * traits[:, 1:2]) * tdp / H100_TDP
    return {
        **dict.fromkeys(("sm_active", "sm_occupancy", "tensor_active", "dram_active"), zero),
        "gpu_util": zero,
        "power_w": np.clip(
            base + _noise(rng, zero, 2.5), 90 * tdp / H100_TDP, 130 * tdp / H100_TDP
        ),
        "fb_used_mib": zero + np.round(30_000 + 20_000 * traits[:, 2:3]),
        "nvlink_tx_bytes": zero,
        "nvlink_rx_bytes": zero,
        "pcie_tx_bytes": np.abs(_noise(rng, zero, 2e4)),
        "pcie_rx_bytes": np.abs(_noise(rng, zero, 2e4)),
    }


def spinner(rng: np.random.Generator, t: Array, traits: Array, tdp: float) -> dict[str, Array]:
    zero = _zeros(traits, t)
    base = (130.0 + 20.0 * traits[:, 1:2]) * tdp / H100_TDP
    return {
        "sm_active": np.clip(1 / 132 + _noise(rng, zero, 0.002), 0.0, 1.0),
        "sm_occupancy": np.clip(0.0005 + _noise(rng, zero, 0.0002), 0.0, 1.0),
        "tensor_active": zero,
        "dram_active": np.clip(0.001 + _noise(rng, zero, 0.0005), 0.0, 1.0),
        "gpu_util": zero + 1.0,
        "power_w": base + _noise(rng, zero, 3.0),
        "fb_used_mib": zero + 600.0,
        "nvlink_tx_bytes": zero,
        "nvlink_rx_bytes": zero,
        "pcie_tx_bytes": np.abs(_noise(rng, zero, 1e4)),
        "pcie_rx_bytes": np.abs(_noise(rng, zero, 1e4)),
    }


def loadgen(rng: np.random.Generator, t: Array, traits: Array, tdp: float) -> dict[str, Array]:
    zero = _zeros(traits, t)
    level = 0.7 + 0.05 * traits[:, 1:2]
    return {
        "sm_active": np.clip(0.97 + _noise(rng, zero, 0.001), 0.0, 1.0),
        "sm_occupancy": np.clip(0.5 + _noise(rng, zero, 0.001), 0.0, 1.0),
        "tensor_active": np.clip(level + _noise(rng, zero, 0.0015), 0.0, 1.0),
        "dram_active": np.clip(0.25 + _noise(rng, zero, 0.001), 0.0, 1.0),
        "gpu_util": zero + 1.0,
        "power_w": 0.915 * tdp + _noise(rng, zero, 0.0015 * tdp),
        "fb_used_mib": zero + 2_048.0,
        "nvlink_tx_bytes": zero,
        "nvlink_rx_bytes": zero,
        "pcie_tx_bytes": zero,
        "pcie_rx_bytes": zero,
    }


PROFILES: dict[str, Profile] = {
    "training": training,
    "inference-decode": inference_decode,
    "idle-held": idle_held,
    "spinner": spinner,
    "loadgen": loadgen,
}
"""The genuine series behind each pattern; replay and gaps start from training."""
BASE_PROFILE = {"replay": "training", "gaps": "training", "phantom": "idle-held"}
