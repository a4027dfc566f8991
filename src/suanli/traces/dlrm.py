"""Alibaba GPU-disaggregated DLRM inference (Prism, NSDI'25): `disaggregated_DLRM_trace.csv`.

An empty time means outside the trace window: creation and scheduling before its start, deletion
after its end. Those become None rather than a made-up number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from suanli.domain.checks import non_negative, require
from suanli.traces.csvrows import integer, number, optional_number, parse_rows, text

ROLES = ("CN", "HN")
KINDS = ("cpu", "gpu", "rdma", "memory", "disk")
TIMES = ("creation_time", "scheduled_time", "deletion_time")
COLUMNS = (
    "instance_sn",
    "role",
    "app_name",
    *(f"{kind}_{bound}" for kind in KINDS for bound in ("request", "limit")),
    "max_instance_per_node",
    *TIMES,
)


@dataclass(frozen=True, slots=True)
class DlrmResources:
    """vCPUs, GPUs (0 or 1), % of one NIC's RDMA bandwidth, memory and disk in GiB."""

    cpus: int
    gpus: int
    rdma_pct: int
    memory_gib: float
    disk_gib: float

    def __post_init__(self) -> None:
        for name in ("cpus", "gpus", "rdma_pct", "memory_gib", "disk_gib"):
            non_negative(name, getattr(self, name))


@dataclass(frozen=True, slots=True)
class DlrmInstance:
    """One serving instance: CN runs on a CPU node, HN on a GPU node.

    `max_per_node` caps same-app instances on one node (None: no cap, the trace's -1). Times are
    seconds from the trace start, None when outside the window.
    """

    name: str
    role: str
    app: str
    request: DlrmResources
    limit: DlrmResources
    max_per_node: int | None
    created_s: float | None
    scheduled_s: float | None
    deleted_s: float | None

    def __post_init__(self) -> None:
        require(self.role in ROLES, f"role must be CN or HN, got {self.role!r}")
        cap = self.max_per_node
        require(cap is None or cap > 0, f"max_instance_per_node must be > 0 or -1, got {cap}")
        for name, value in zip(TIMES, self.times, strict=True):
            require(value is None or value >= 0, f"{name} must be >= 0, got {value}")

    @property
    def times(self) -> tuple[float | None, float | None, float | None]:
        return self.created_s, self.scheduled_s, self.deleted_s


def _resources(row: dict[str, str], bound: str) -> DlrmResources:
    return DlrmResources(
        cpus=integer(row, f"cpu_{bound}"),
        gpus=integer(row, f"gpu_{bound}"),
        rdma_pct=integer(row, f"rdma_{bound}"),
        memory_gib=number(row, f"memory_{bound}"),
        disk_gib=number(row, f"disk_{bound}"),
    )


def _instance(row: dict[str, str]) -> DlrmInstance:
    cap = integer(row, "max_instance_per_node")
    return DlrmInstance(
        name=text(row, "instance_sn"),
        role=text(row, "role"),
        app=text(row, "app_name"),
        request=_resources(row, "request"),
        limit=_resources(row, "limit"),
        max_per_node=None if cap == -1 else cap,
        created_s=optional_number(row, "creation_time"),
        scheduled_s=optional_number(row, "scheduled_time"),
        deleted_s=optional_number(row, "deletion_time"),
    )


def load_dlrm_instances(path: Path) -> list[DlrmInstance]:
    """All instances, in file order."""
    return parse_rows(path, COLUMNS, _instance)
