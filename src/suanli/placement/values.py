"""What a placement policy returns: a plan, made of frozen value objects with `to_dict()`.

`Plan.to_dict()` is the JSON of `suanli place --json` (ARCHITECTURE.md contracts): `placements`,
`replicas`, `unplaced`, `objective_yuan`, `lower_bound_yuan`, `gap`, `solve_seconds`, plus
`status` (how the plan was found). Add fields; never rename them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["optimal", "time_limit", "greedy", "greedy_fallback"]
"""optimal: solved to the gap tolerance; time_limit: the solver's best plan when time ran out;
greedy: the greedy policy; greedy_fallback: the solver found no plan in time, greedy's instead."""


def _r(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


@dataclass(frozen=True, slots=True)
class Placement:
    """A training job's gang, whole, in one pool."""

    job: str
    site: str
    pool: str
    gpu_model: str
    gpus: int
    price_yuan_per_gpu_hour: float
    est_cost_yuan: float
    gpu_hours: float
    est_hours: float
    transfer_hours: float
    rtt_ms: float | None = None  # from the job's data region to the site

    def to_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "site": self.site,
            "pool": self.pool,
            "gpu_model": self.gpu_model,
            "gpus": self.gpus,
            "price_yuan_per_gpu_hour": _r(self.price_yuan_per_gpu_hour),
            "est_cost_yuan": _r(self.est_cost_yuan, 2),
            "gpu_hours": _r(self.gpu_hours),
            "est_hours": _r(self.est_hours),
            "transfer_hours": _r(self.transfer_hours),
            "rtt_ms": None if self.rtt_ms is None else _r(self.rtt_ms, 2),
        }


@dataclass(frozen=True, slots=True)
class ReplicaPlan:
    """Replicas of one service in one pool, and the share of each region's demand they serve."""

    service: str
    site: str
    pool: str
    gpu_model: str
    replicas: int
    gpus_per_replica: int
    price_yuan_per_gpu_hour: float
    est_cost_yuan: float  # over the service horizon (`placement.costs`)
    rps_per_replica: float
    region_share: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "site": self.site,
            "pool": self.pool,
            "gpu_model": self.gpu_model,
            "replicas": self.replicas,
            "gpus_per_replica": self.gpus_per_replica,
            "price_yuan_per_gpu_hour": _r(self.price_yuan_per_gpu_hour),
            "est_cost_yuan": _r(self.est_cost_yuan, 2),
            "rps_per_replica": _r(self.rps_per_replica),
            "region_share": {r: _r(v, 4) for r, v in self.region_share.items()},
        }


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A job left out, or a service with unserved demand, and why."""

    job: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"job": self.job, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Plan:
    """A decision with its objective, the best lower bound known, the gap and the time taken."""

    placements: tuple[Placement, ...]
    replicas: tuple[ReplicaPlan, ...]
    unplaced: tuple[Unplaced, ...]
    objective_yuan: float
    lower_bound_yuan: float
    gap: float
    solve_seconds: float
    status: Status

    def to_dict(self) -> dict[str, Any]:
        return {
            "placements": [p.to_dict() for p in self.placements],
            "replicas": [r.to_dict() for r in self.replicas],
            "unplaced": [u.to_dict() for u in self.unplaced],
            "objective_yuan": _r(self.objective_yuan, 2),
            "lower_bound_yuan": _r(self.lower_bound_yuan, 2),
            "gap": _r(self.gap, 6),
            "solve_seconds": _r(self.solve_seconds, 4),
            "status": self.status,
        }


def relative_gap(objective: float, bound: float) -> float:
    """(objective − bound) / |objective|, as HiGHS reports it; 0 for a zero objective (every
    objective here is >= 0 and every bound reported is within [0, objective])."""
    if abs(objective) < 1e-9:
        return 0.0
    return max(0.0, (objective - bound) / abs(objective))
