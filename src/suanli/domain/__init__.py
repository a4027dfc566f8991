"""Frozen value objects of the compute network. No I/O here; change them with `replace`."""

from suanli.domain.gpu import H100, Fabric, GpuModel
from suanli.domain.network import LatencyParams, Network, RttOverride
from suanli.domain.site import GpuPool, Region, Site
from suanli.domain.work import (
    CHECKPOINT_HOURS,
    FAIL,
    ON_PREEMPT,
    REQUEUE,
    InferenceService,
    Pod,
    RegionDemand,
    TrainingJob,
    Workload,
)

__all__ = [
    "CHECKPOINT_HOURS",
    "FAIL",
    "H100",
    "ON_PREEMPT",
    "REQUEUE",
    "Fabric",
    "GpuModel",
    "GpuPool",
    "InferenceService",
    "LatencyParams",
    "Network",
    "Pod",
    "Region",
    "RegionDemand",
    "RttOverride",
    "Site",
    "TrainingJob",
    "Workload",
]
