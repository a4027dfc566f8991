"""The cost model: what a piece of work needs and costs on a pool, in one place.

Every constant below is an **assumption** (no sourced figure); `CostModel` carries them as typed,
overridable config. All functions work on whole arrays: jobs or services × pools.

Training job j on pool p (DOMAIN.md §3: training throughput scales with dense tensor TFLOPS)
    speed_p       = TFLOPS_p / TFLOPS_H100                     (`GpuModel.training_speed_vs`)
    gpu_hours_jp  = work_h100_gpu_hours_j / speed_p
    run_hours_jp  = gpu_hours_jp / gpus_j
    remote_jp     = distance(data region of j, site of p) > local_data_km
    transfer_h_jp = data_size_gb_j × 8 / egress_gbps_p / 3600   if remote, else 0
                    (`network.latency.data_transfer_hours`: the site's link is the bottleneck)
    cost_jp       = price_p × gpu_hours_jp + transfer_yuan_per_gb × data_size_gb_j  (if remote)

Inference replica of service s on pool p (decode scales with memory bandwidth, prefill with TFLOPS)
    gpus_sp       = ceil(weights_gb_s × kv_cache_overhead / memory_gb_p)   (must fit one node)
    step_s        = weights_gb_s / (gpus_sp × bandwidth_GB/s_p × decode_efficiency)
                    (one decode step streams the weights once and yields one token per sequence
                    of the batch, so a request's share of decode time is out_tokens × step / batch)
    prefill_s     = 2 × (weights_gb_s / bytes_per_param) × 1e9 × in_tokens_s
                    / (gpus_sp × TFLOPS_p × 1e12 × prefill_mfu)
    rps_sp        = 1 / (out_tokens_s × step_s / decode_batch + prefill_s)
    replica cost  = price_p × gpus_sp × service_horizon_hours   (services are planned per horizon)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from suanli.domain.checks import non_negative, positive

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

TRANSFER_YUAN_PER_GB = 0.05
"""Assumption: yuan to move one GB of training data between cities (inter-city transit resale)."""

LOCAL_DATA_KM = 50.0
"""Assumption: data this close to a site is in the site's own city and moves for free."""

KV_CACHE_OVERHEAD = 1.1
"""Assumption: GPU memory a replica needs per GB of weights (10 % for KV cache and runtime; the
workload generator lets weights fill <= 90 % of a node, so every generated service fits)."""

DECODE_BATCH = 32
"""Assumption: sequences decoded together per step (continuous batching at moderate load)."""

DECODE_EFFICIENCY = 0.6
"""Assumption: share of peak memory bandwidth a decode step achieves."""

PREFILL_MFU = 0.4
"""Assumption: model-FLOPs utilisation of prefill (compute-bound)."""

BYTES_PER_PARAM = 2.0
"""Assumption: BF16 weights, to turn weight size into parameters for prefill FLOPs."""

SERVICE_HORIZON_HOURS = 24.0
"""Assumption: services are planned for one day (rent by the day block, DOMAIN.md §7): a replica
costs price × GPUs × 24 h."""

PLACEMENT_MARGIN_YUAN = 0.01
"""Added to the value of every job and every region's demand (one fen), so that placing work
whose best pool costs exactly its value still beats leaving it out: ties go to placing."""


@dataclass(frozen=True, slots=True)
class CostModel:
    """The cost model's knobs (module docstring); defaults are the module's assumptions."""

    transfer_yuan_per_gb: float = TRANSFER_YUAN_PER_GB
    local_data_km: float = LOCAL_DATA_KM
    kv_cache_overhead: float = KV_CACHE_OVERHEAD
    decode_batch: float = DECODE_BATCH
    decode_efficiency: float = DECODE_EFFICIENCY
    prefill_mfu: float = PREFILL_MFU
    bytes_per_param: float = BYTES_PER_PARAM
    service_horizon_hours: float = SERVICE_HORIZON_HOURS

    def __post_init__(self) -> None:
        for name in (
            "kv_cache_overhead",
            "decode_batch",
            "decode_efficiency",
            "prefill_mfu",
            "bytes_per_param",
            "service_horizon_hours",
        ):
            positive(name, getattr(self, name))
        non_negative("transfer_yuan_per_gb", self.transfer_yuan_per_gb)
        non_negative("local_data_km", self.local_data_km)


def transfer_hours(size_gb: Floats, egress_gbps: Floats) -> Floats:
    """`units.transfer_hours` for every (job, pool) pair: sizes (J,) by links (P,)."""
    hours: Floats = size_gb[:, None] * 8.0 / egress_gbps[None, :] / 3600.0
    return hours


def replica_gpus(weights_gb: Floats, memory_gb: Floats, cm: CostModel) -> Ints:
    """GPUs one replica needs to hold its weights plus KV cache: services (S,) × pools (P,)."""
    need = weights_gb[:, None] * cm.kv_cache_overhead / memory_gb[None, :]
    return np.ceil(need - 1e-9).astype(np.int64)


@dataclass(frozen=True, slots=True)
class ServiceShape:
    """Per-service inputs of the throughput model, as arrays over services."""

    weights_gb: Floats
    input_tokens: Floats
    output_tokens: Floats


def replica_rps(
    shape: ServiceShape, gpus: Ints, tflops: Floats, bandwidth_tb_s: Floats, cm: CostModel
) -> Floats:
    """Requests per second one replica of `gpus` GPUs serves: services (S,) × pools (P,)."""
    g = gpus.astype(np.float64)
    bandwidth_gb_s = g * bandwidth_tb_s[None, :] * 1000.0 * cm.decode_efficiency
    step_s = shape.weights_gb[:, None] / bandwidth_gb_s
    decode_s = shape.output_tokens[:, None] * step_s / cm.decode_batch
    flops = 2.0 * shape.weights_gb / cm.bytes_per_param * 1e9 * shape.input_tokens
    prefill_s = flops[:, None] / (g * tflops[None, :] * 1e12 * cm.prefill_mfu)
    rps: Floats = 1.0 / (decode_s + prefill_s)
    return rps
