"""Domain objects to documents, in file field order; `load(dump(x)) == x`.

Optional fields are left out where they hold their default, except `latency`, which is always
written so that a network file states the model its estimates come from.
"""

from __future__ import annotations

from typing import Any

from suanli.domain import (
    CHECKPOINT_HOURS,
    REQUEUE,
    GpuPool,
    InferenceService,
    Network,
    Pod,
    Region,
    RttOverride,
    Site,
    TrainingJob,
    Workload,
)
from suanli.formats.jsonschemas import FORMATS

Doc = dict[str, Any]


def network_to_dict(net: Network) -> Doc:
    """The network as a `suanli.network/v1` document."""
    latency = {
        "route_factor": float(net.latency.route_factor),
        "overhead_ms": float(net.latency.overhead_ms),
    }
    doc: Doc = {"format": FORMATS["network"], "name": net.name, "latency": latency}
    doc["regions"] = [_region(r) for r in net.regions]
    doc["sites"] = [_site(s) for s in net.sites]
    if net.rtt_overrides:
        doc["rtt_overrides"] = [_override(o) for o in net.rtt_overrides]
    return doc


def _region(r: Region) -> Doc:
    doc: Doc = {"id": r.id, "name": r.name, "lat": float(r.lat), "lon": float(r.lon)}
    return doc | _unless_default("demand_weight", float(r.demand_weight), 1.0)


def _site(s: Site) -> Doc:
    doc: Doc = {"id": s.id, "name": s.name}
    doc |= _unless_default("hub", s.hub, "") | _unless_default("cluster", s.cluster, "")
    return doc | {
        "city": s.city,
        "lat": float(s.lat),
        "lon": float(s.lon),
        "egress_gbps": float(s.egress_gbps),
        "electricity_yuan_per_kwh": float(s.electricity_yuan_per_kwh),
        "pue": float(s.pue),
        "pools": [_pool(p) for p in s.pools],
    }


def _pool(p: GpuPool) -> Doc:
    return {
        "id": p.id,
        "gpu_model": p.gpu_model,
        "nodes": int(p.nodes),
        "gpus_per_node": int(p.gpus_per_node),
        "cpu_milli_per_node": int(p.cpu_milli_per_node),
        "memory_mib_per_node": int(p.memory_mib_per_node),
        "fabric": str(p.fabric.value),
        "reserve_price_yuan_per_gpu_hour": float(p.reserve_price_yuan_per_gpu_hour),
    }


def _override(o: RttOverride) -> Doc:
    return {"site": o.site, "region": o.region, "rtt_ms": float(o.rtt_ms)}


def workload_to_dict(w: Workload) -> Doc:
    """The workload as a `suanli.workload/v1` document; empty lists are left out."""
    doc: Doc = {"format": FORMATS["workload"], "name": w.name}
    doc |= _unless_default("training_jobs", [_job(j) for j in w.training_jobs], [])
    doc |= _unless_default("inference_services", [_service(s) for s in w.services], [])
    return doc | _unless_default("pods", [_pod(p) for p in w.pods], [])


def _job(j: TrainingJob) -> Doc:
    doc: Doc = {
        "id": j.id,
        "gpus": int(j.gpus),
        "work_h100_gpu_hours": float(j.work_h100_gpu_hours),
        "max_price_yuan_per_gpu_hour": float(j.max_price_yuan_per_gpu_hour),
        "deadline_hours": float(j.deadline_hours),
        "data_region": j.data_region,
    }
    doc |= _unless_default("data_size_gb", float(j.data_size_gb), 0.0)
    doc |= _unless_default("allowed_gpu_models", list(j.allowed_gpu_models), [])
    doc |= _unless_default("submit_hour", float(j.submit_hour), 0.0)
    doc |= _unless_default("preemptible", bool(j.preemptible), False)
    doc |= _unless_default("checkpoint_hours", float(j.checkpoint_hours), CHECKPOINT_HOURS)
    return doc | _unless_default("on_preempt", j.on_preempt, REQUEUE)


def _service(s: InferenceService) -> Doc:
    doc: Doc = {
        "id": s.id,
        "model_weights_gb": float(s.model_weights_gb),
        "demand_rps": {d.region: float(d.rps) for d in s.demand},
        "input_tokens_per_request": int(s.input_tokens_per_request),
        "output_tokens_per_request": int(s.output_tokens_per_request),
        "latency_slo_rtt_ms": float(s.latency_slo_rtt_ms),
        "max_price_yuan_per_h100_decode_hour": float(s.max_price_yuan_per_h100_decode_hour),
    }
    return doc | _unless_default("allowed_gpu_models", list(s.allowed_gpu_models), [])


def _pod(p: Pod) -> Doc:
    doc: Doc = {
        "id": p.id,
        "cpu_milli": int(p.cpu_milli),
        "memory_mib": int(p.memory_mib),
        "num_gpu": int(p.num_gpu),
        "gpu_milli": int(p.gpu_milli),
    }
    return doc | _unless_default("allowed_gpu_models", list(p.allowed_gpu_models), [])


def _unless_default(key: str, value: object, default: object) -> Doc:
    return {} if value == default else {key: value}
