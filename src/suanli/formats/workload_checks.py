"""Checks of a workload document beyond its schema: ids, GPU models, pods, known regions, and
the one max price of each service (the current field, or the per-GPU-hour field of older files)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from suanli.domain import Network
from suanli.formats.common_checks import check_gpu_model, check_unique
from suanli.formats.report import Path, Report, items, listing, number, text
from suanli.units import MILLI

SERVICE_LIMIT = "max_price_yuan_per_h100_decode_hour"
OLD_SERVICE_LIMIT = "max_price_yuan_per_gpu_hour"
"""A service's limit per raw GPU-hour, as files before `SERVICE_LIMIT` gave it; still read, and
converted (`catalog.workloads.limit_from_gpu_hour_limit`)."""


def check_workload(data: Mapping[str, Any], report: Report, network: Network | None) -> None:
    """Add the workload's semantic problems to `report`; region ids are checked against
    `network` when one is given."""
    jobs, services = items(data, "training_jobs"), items(data, "inference_services")
    pods = items(data, "pods")
    ids = [((*path, "id"), text(report, path, obj, "id")) for path, obj in jobs + services]
    check_unique(report, "job or service", ids)
    check_unique(report, "pod", [((*path, "id"), text(report, path, p, "id")) for path, p in pods])
    for path, obj in jobs + services + pods:
        _check_gpu_models(report, path, obj)
    for path, pod in pods:
        _check_pod(report, path, pod)
    for path, service in services:
        _check_service_limit(report, path, service)
    if network is not None:
        _check_regions(report, jobs, services, network)


def _check_gpu_models(report: Report, path: Path, obj: Mapping[str, Any]) -> None:
    names = obj.get("allowed_gpu_models")
    if not isinstance(names, list):
        return
    for i, name in enumerate(names):
        where = (*path, "allowed_gpu_models", i)
        ok = isinstance(name, str) and report.good(where)
        check_gpu_model(report, where, name if ok else None)


def _check_service_limit(report: Report, path: Path, service: Mapping[str, Any]) -> None:
    """Exactly one of the two limit fields (the schema lists both and requires neither)."""
    if SERVICE_LIMIT in service and OLD_SERVICE_LIMIT in service:
        report.add(
            (*path, OLD_SERVICE_LIMIT),
            f"give one max price: keep {SERVICE_LIMIT} (yuan per H100-equivalent decode "
            f"GPU-hour) and delete {OLD_SERVICE_LIMIT} (the per-GPU-hour limit of older files)",
        )
    elif SERVICE_LIMIT not in service and OLD_SERVICE_LIMIT not in service:
        report.add(
            (*path, SERVICE_LIMIT),
            f"missing required field {SERVICE_LIMIT!r} (yuan per H100-equivalent decode GPU-hour)",
            at=path,
        )


def _check_pod(report: Report, path: Path, pod: Mapping[str, Any]) -> None:
    gpus, milli = number(report, path, pod, "num_gpu"), number(report, path, pod, "gpu_milli")
    if gpus is not None and milli is not None and gpus > 1 and milli < MILLI:
        report.add(
            (*path, "gpu_milli"),
            f"a pod with {gpus:g} GPUs must use whole GPUs: set gpu_milli to {MILLI} "
            f"(got {milli:g}); only single-GPU pods may share a GPU",
        )


def _check_regions(
    report: Report,
    jobs: list[tuple[Path, Mapping[str, Any]]],
    services: list[tuple[Path, Mapping[str, Any]]],
    network: Network,
) -> None:
    known = [r.id for r in network.regions]

    def check(path: Path, region: str | None) -> None:
        if region is not None and region not in known:
            message = f"unknown region {region!r}; network {network.name!r} has: {listing(known)}"
            report.add(path, message)

    for path, job in jobs:
        check((*path, "data_region"), text(report, path, job, "data_region"))
    for path, service in services:
        demand = service.get("demand_rps")
        if isinstance(demand, Mapping):
            for region in demand:
                named = isinstance(region, str) and region  # else the schema flagged the key
                check((*path, "demand_rps", region), region if named else None)
