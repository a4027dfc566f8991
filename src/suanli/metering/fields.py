"""The DCGM fields suanli stores (DOMAIN.md §5), and every name they arrive under.

One canonical field (a Parquet column) per DCGM field id. A sample's metric name is mapped to it
case-insensitively through, in order: the exact name; the name without an OpenMetrics `_total`
counter suffix; the name without a DCGM 4 `_RATIO` suffix. Old dcgm-exporter 1.x names
(`dcgm_gpu_utilization`...) are aliases. Names that map to no field are counted and skipped.

`scale` is how the field's default name reports shares: `percent` (0–100) or `ratio` (0–1);
both are stored as 0–1 (see `values.normalise_shares`). `None` means the field is not a share.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

Scale = Literal["percent", "ratio"]


@dataclass(frozen=True, slots=True)
class Field:
    """One stored telemetry field."""

    column: str
    dcgm_id: int
    dcgm_name: str
    unit: str
    scale: Scale | None = None
    counter: bool = False
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field(
        "gpu_util",
        203,
        "DCGM_FI_DEV_GPU_UTIL",
        "ratio",
        "percent",
        aliases=("dcgm_gpu_utilization",),
    ),
    Field(
        "mem_copy_util",
        204,
        "DCGM_FI_DEV_MEM_COPY_UTIL",
        "ratio",
        "percent",
        aliases=("dcgm_mem_copy_utilization",),
    ),
    Field("gr_engine_active", 1001, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "ratio", "ratio"),
    Field("sm_active", 1002, "DCGM_FI_PROF_SM_ACTIVE", "ratio", "ratio"),
    Field("sm_occupancy", 1003, "DCGM_FI_PROF_SM_OCCUPANCY", "ratio", "ratio"),
    Field("tensor_active", 1004, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "ratio", "ratio"),
    Field("dram_active", 1005, "DCGM_FI_PROF_DRAM_ACTIVE", "ratio", "ratio"),
    Field("power_w", 155, "DCGM_FI_DEV_POWER_USAGE", "W", aliases=("dcgm_power_usage",)),
    Field(
        "energy_mj",
        156,
        "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
        "mJ",
        counter=True,
        aliases=("dcgm_total_energy_consumption",),
    ),
    Field("fb_used_mib", 252, "DCGM_FI_DEV_FB_USED", "MiB", aliases=("dcgm_fb_used",)),
    Field("pcie_tx_bytes", 1009, "DCGM_FI_PROF_PCIE_TX_BYTES", "bytes/s"),
    Field("pcie_rx_bytes", 1010, "DCGM_FI_PROF_PCIE_RX_BYTES", "bytes/s"),
    Field("nvlink_tx_bytes", 1011, "DCGM_FI_PROF_NVLINK_TX_BYTES", "bytes/s"),
    Field("nvlink_rx_bytes", 1012, "DCGM_FI_PROF_NVLINK_RX_BYTES", "bytes/s"),
    Field("xid", 230, "DCGM_FI_DEV_XID_ERRORS", "code", aliases=("dcgm_xid_errors",)),
)

COLUMNS: tuple[str, ...] = tuple(f.column for f in FIELDS)
UNKNOWN = -1
"""Field code of a metric name that maps to no stored field."""


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What a metric name means: the field code (or `UNKNOWN`) and the scale its name implies."""

    code: int
    scale: Scale | None


@cache
def _names() -> dict[str, tuple[int, Scale | None]]:
    names: dict[str, tuple[int, Scale | None]] = {}
    for code, field in enumerate(FIELDS):
        for name in (field.column, field.dcgm_name, str(field.dcgm_id), *field.aliases):
            names[name.casefold()] = (code, field.scale)
    return names


@cache
def match_name(name: str) -> NameMatch:
    """The field a metric name, alias, canonical column or DCGM field id stands for."""
    names = _names()
    key = name.casefold()
    counter = key.removesuffix("_total")
    for candidate in (key, counter):
        if candidate in names:
            return NameMatch(*names[candidate])
    base = counter.removesuffix("_ratio")
    if base != counter and base in names:
        code, scale = names[base]
        return NameMatch(code, "ratio" if scale is not None else None)
    return NameMatch(UNKNOWN, None)


def field_by_column(column: str) -> int:
    """The code of a canonical column name."""
    return COLUMNS.index(column)
