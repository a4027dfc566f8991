"""GPU models of DOMAIN.md §3 and of the public traces, looked up by name or alias."""

from __future__ import annotations

from functools import cache

from suanli.catalog.tables import flag, read_table
from suanli.domain import H100, GpuModel
from suanli.errors import UnknownNameError


@cache
def gpu_models() -> dict[str, GpuModel]:
    """Every catalog GPU model by canonical name, in catalog order."""
    models = {}
    for row in read_table("gpu_models"):
        models[row["name"]] = GpuModel(
            name=row["name"],
            vendor=row["vendor"],
            tflops_bf16_dense=float(row["tflops_bf16_dense"]),
            memory_gb=float(row["memory_gb"]),
            memory_bandwidth_tb_s=float(row["memory_bandwidth_tb_s"]),
            tdp_w=float(row["tdp_w"]),
            nvlink_gb_s=float(row["nvlink_gb_s"]),
            aliases=tuple(a for a in row["aliases"].split("|") if a),
            source=row["source"],
            assumption=flag(row["assumption"]),
        )
    return models


@cache
def _by_alias() -> dict[str, str]:
    names: dict[str, str] = {}
    for model in gpu_models().values():
        for name in (model.name, *model.aliases):
            names[name.casefold()] = model.name
    return names


def canonical_gpu_name(name: str) -> str:
    """The catalog name for `name` or one of its aliases (case-insensitive)."""
    try:
        return _by_alias()[name.strip().casefold()]
    except KeyError:
        raise UnknownNameError("GPU model", name, list(gpu_models())) from None


def gpu_model(name: str) -> GpuModel:
    """The catalog model for a name or alias; raises `UnknownNameError` listing known ones."""
    return gpu_models()[canonical_gpu_name(name)]


def training_h100_equivalent(name: str) -> float:
    """H100s that one GPU of model `name` is worth for training: its `tflops_bf16_dense` over
    the H100's (`gpu_models` table; DOMAIN.md §3: training throughput scales with dense tensor
    TFLOPS). A job's `work_h100_gpu_hours` take work / this raw GPU-hours on that model."""
    return gpu_model(name).training_speed_vs(gpu_model(H100))


def decode_h100_equivalent(name: str) -> float:
    """H100s that one GPU of model `name` is worth for LLM decode: its `memory_bandwidth_tb_s`
    over the H100's (`gpu_models` table; DOMAIN.md §3: decode streams the weights once per
    step, so it scales with memory bandwidth). A price per H100-equivalent decode GPU-hour
    times this is a price per raw GPU-hour of that model."""
    return gpu_model(name).decode_speed_vs(gpu_model(H100))
