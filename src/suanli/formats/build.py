"""Build domain objects from documents that passed validation.

Validation should leave nothing for the value objects to reject; if one still does, `BuildError`
names the path of the object that refused, so the problem still gets a line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from suanli.catalog import canonical_gpu_name
from suanli.catalog.workloads import limit_from_gpu_hour_limit
from suanli.domain import (
    CHECKPOINT_HOURS,
    REQUEUE,
    Fabric,
    GpuPool,
    InferenceService,
    LatencyParams,
    Network,
    Pod,
    Region,
    RegionDemand,
    RttOverride,
    Site,
    TrainingJob,
    Workload,
)
from suanli.errors import SuanliError
from suanli.formats.report import Path
from suanli.formats.workload_checks import OLD_SERVICE_LIMIT, SERVICE_LIMIT

Data = Mapping[str, Any]


class BuildError(Exception):
    """A value object rejected a value that passed validation."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


@contextmanager
def at(path: Path) -> Iterator[None]:
    try:
        yield
    except (SuanliError, ValueError) as e:
        raise BuildError(path, str(e)) from e


def network_from_data(data: Data) -> Network:
    latency = {k: float(v) for k, v in data.get("latency", {}).items()}
    with at(("latency",)):
        params = LatencyParams(**latency)
    regions = tuple(_region(("regions", i), r) for i, r in enumerate(data["regions"]))
    sites = tuple(_site(("sites", i), s) for i, s in enumerate(data["sites"]))
    overrides = []
    for i, o in enumerate(data.get("rtt_overrides", [])):
        with at(("rtt_overrides", i)):
            overrides.append(RttOverride(o["site"], o["region"], float(o["rtt_ms"])))
    with at(()):
        return Network(data["name"], sites, regions, params, tuple(overrides))


def _region(path: Path, r: Data) -> Region:
    with at(path):
        weight = float(r.get("demand_weight", 1.0))
        return Region(r["id"], r["name"], float(r["lat"]), float(r["lon"]), weight)


def _site(path: Path, s: Data) -> Site:
    pools = tuple(_pool((*path, "pools", i), p) for i, p in enumerate(s["pools"]))
    with at(path):
        return Site(
            id=s["id"],
            name=s["name"],
            city=s["city"],
            lat=float(s["lat"]),
            lon=float(s["lon"]),
            pools=pools,
            egress_gbps=float(s["egress_gbps"]),
            electricity_yuan_per_kwh=float(s["electricity_yuan_per_kwh"]),
            pue=float(s["pue"]),
            hub=s.get("hub", ""),
            cluster=s.get("cluster", ""),
        )


site_from_data = _site
"""A site as a network file writes it (a scenario's new site uses the same form)."""


def _pool(path: Path, p: Data) -> GpuPool:
    with at(path):
        return GpuPool(
            id=p["id"],
            gpu_model=canonical_gpu_name(p["gpu_model"]),
            nodes=int(p["nodes"]),
            gpus_per_node=int(p["gpus_per_node"]),
            cpu_milli_per_node=int(p["cpu_milli_per_node"]),
            memory_mib_per_node=int(p["memory_mib_per_node"]),
            fabric=Fabric(p["fabric"]),
            reserve_price_yuan_per_gpu_hour=float(p["reserve_price_yuan_per_gpu_hour"]),
        )


def workload_from_data(data: Data) -> Workload:
    jobs = tuple(_job(("training_jobs", i), j) for i, j in enumerate(data.get("training_jobs", [])))
    services = data.get("inference_services", [])
    built = tuple(_service(("inference_services", i), s) for i, s in enumerate(services))
    pods = tuple(_pod(("pods", i), p) for i, p in enumerate(data.get("pods", [])))
    with at(()):
        return Workload(data["name"], jobs, built, pods)


def _models(obj: Data) -> tuple[str, ...]:
    return tuple(canonical_gpu_name(name) for name in obj.get("allowed_gpu_models", []))


def _job(path: Path, j: Data) -> TrainingJob:
    with at(path):
        return TrainingJob(
            id=j["id"],
            gpus=int(j["gpus"]),
            work_h100_gpu_hours=float(j["work_h100_gpu_hours"]),
            max_price_yuan_per_gpu_hour=float(j["max_price_yuan_per_gpu_hour"]),
            deadline_hours=float(j["deadline_hours"]),
            data_region=j["data_region"],
            data_size_gb=float(j.get("data_size_gb", 0.0)),
            allowed_gpu_models=_models(j),
            submit_hour=float(j.get("submit_hour", 0.0)),
            preemptible=bool(j.get("preemptible", False)),
            checkpoint_hours=float(j.get("checkpoint_hours", CHECKPOINT_HOURS)),
            on_preempt=str(j.get("on_preempt", REQUEUE)),
        )


def _service(path: Path, s: Data) -> InferenceService:
    with at(path):
        weights_gb, allowed = float(s["model_weights_gb"]), _models(s)
        return InferenceService(
            id=s["id"],
            model_weights_gb=weights_gb,
            demand=tuple(RegionDemand(k, float(v)) for k, v in s["demand_rps"].items()),
            input_tokens_per_request=int(s["input_tokens_per_request"]),
            output_tokens_per_request=int(s["output_tokens_per_request"]),
            latency_slo_rtt_ms=float(s["latency_slo_rtt_ms"]),
            max_price_yuan_per_h100_decode_hour=_service_limit(s, weights_gb, allowed),
            allowed_gpu_models=allowed,
        )


def _service_limit(s: Data, weights_gb: float, allowed: tuple[str, ...]) -> float:
    """The limit per H100-equivalent decode GPU-hour; an older file's per-GPU-hour limit is
    converted by the catalog's rule (`limit_from_gpu_hour_limit`)."""
    if SERVICE_LIMIT in s:
        return float(s[SERVICE_LIMIT])
    return limit_from_gpu_hour_limit(float(s[OLD_SERVICE_LIMIT]), weights_gb, allowed)


def _pod(path: Path, p: Data) -> Pod:
    with at(path):
        return Pod(
            id=p["id"],
            cpu_milli=int(p["cpu_milli"]),
            memory_mib=int(p["memory_mib"]),
            num_gpu=int(p["num_gpu"]),
            gpu_milli=int(p["gpu_milli"]),
            allowed_gpu_models=_models(p),
        )
