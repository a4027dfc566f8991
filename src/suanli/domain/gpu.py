"""GPU models and the fabrics that join GPUs into gangs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from suanli.domain.checks import non_negative, positive

H100 = "H100"
"""The reference model: work is measured in H100-equivalent GPU-hours."""


class Fabric(StrEnum):
    """The interconnect a pool's gang spans: a gang never crosses fabrics or pools."""

    NVLINK = "nvlink"
    INFINIBAND = "ib"
    ROCE = "roce"
    HCCS = "hccs"
    PCIE = "pcie"


@dataclass(frozen=True, slots=True)
class GpuModel:
    """An accelerator's published (or assumed, see `assumption`) specifications."""

    name: str
    vendor: str
    tflops_bf16_dense: float
    memory_gb: float
    memory_bandwidth_tb_s: float
    tdp_w: float
    nvlink_gb_s: float = 0.0
    aliases: tuple[str, ...] = ()
    source: str = ""
    assumption: bool = False

    def __post_init__(self) -> None:
        positive("tflops_bf16_dense", self.tflops_bf16_dense)
        positive("memory_gb", self.memory_gb)
        positive("memory_bandwidth_tb_s", self.memory_bandwidth_tb_s)
        positive("tdp_w", self.tdp_w)
        non_negative("nvlink_gb_s", self.nvlink_gb_s)

    def training_speed_vs(self, reference: GpuModel) -> float:
        """Training throughput relative to `reference`; scales with dense tensor TFLOPS."""
        return self.tflops_bf16_dense / reference.tflops_bf16_dense

    def decode_speed_vs(self, reference: GpuModel) -> float:
        """LLM decode throughput relative to `reference`; scales with memory bandwidth."""
        return self.memory_bandwidth_tb_s / reference.memory_bandwidth_tb_s
