"""`explain`: for one job or service, every pool of the snapshot and why the plan did (not) use it.

Each row: site, pool, GPU model, price, whether the plan chose it, the RTT that matters (from the
job's data region; per demand region for a service), for a training job its estimated cost split
into compute (price × GPU-hours) and data transfer, and the reasons: every hard filter the pool
fails ("model A800 not allowed", "needs 64 GPUs, pool has 32 free", "RTT 27.1 ms from shanghai
exceeds SLO 20.0 ms", "price 13.20 > max 12.00", "deadline: 3.2 h transfer + 80.0 h run = 83.2 h
> 72.0 h"), or, for a pool that passes them, how it compares with the chosen ("fits but costs
1,234.00 yuan more than the chosen") or what took its room.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

import numpy as np

from suanli.domain import Workload
from suanli.errors import UnknownNameError
from suanli.network.latency import LatencyModel
from suanli.placement.costs import CostModel, Ints
from suanli.placement.problem import Problem
from suanli.placement.reasons import (
    STOPPED,
    above,
    count,
    service_filters,
    training_filters,
    yuan,
)
from suanli.placement.snapshot import Snapshot
from suanli.placement.unserved import one_more_replica, replica_worth
from suanli.placement.values import Plan, ReplicaPlan, Status

Row = dict[str, Any]


def explain(
    job_id: str,
    snapshot: Snapshot,
    workload: Workload,
    plan: Plan,
    latency: LatencyModel | None = None,
    costs: CostModel | None = None,
) -> list[Row]:
    """One row per pool for training job or service `job_id` (module docstring)."""
    problem = Problem.build(snapshot, _only(workload, job_id), latency, costs)
    left = snapshot.free_gpus - _used(snapshot, plan)
    if problem.training.jobs:
        chosen = {p.pool for p in plan.placements if p.job == job_id}
        return [_job_row(problem, p, chosen, left, plan.status) for p in range(len(snapshot.pools))]
    replicas = {r.pool: r for r in plan.replicas if r.service == job_id}
    return [
        _service_row(problem, p, replicas, left, plan.status) for p in range(len(snapshot.pools))
    ]


def _only(workload: Workload, job_id: str) -> Workload:
    jobs = tuple(j for j in workload.training_jobs if j.id == job_id)
    services = tuple(s for s in workload.services if s.id == job_id)
    if not jobs and not services:
        known = [j.id for j in workload.training_jobs] + [s.id for s in workload.services]
        raise UnknownNameError("job or service", job_id, known)
    return replace(workload, training_jobs=jobs, services=services, pods=())


def _used(snapshot: Snapshot, plan: Plan) -> Ints:
    used: defaultdict[str, int] = defaultdict(int)
    for p in plan.placements:
        used[p.pool] += p.gpus
    for r in plan.replicas:
        used[r.pool] += r.replicas * r.gpus_per_replica
    return np.array([used[p.id] for p in snapshot.pools], dtype=np.int64)


def _base(problem: Problem, p: int, chosen: bool) -> Row:
    snap = problem.snapshot
    return {
        "site": snap.sites[p].id,
        "pool": snap.pools[p].id,
        "gpu_model": snap.models[p].name,
        "price_yuan_per_gpu_hour": round(float(snap.price[p]), 3),
        "chosen": chosen,
    }


def _job_row(problem: Problem, p: int, chosen: set[str], left: Ints, status: Status) -> Row:
    t, pool = problem.training, problem.snapshot.pools[p].id
    row = _base(problem, p, pool in chosen)
    row["rtt_ms"] = round(float(t.rtt_ms[0, p]), 2)
    row["est_cost_yuan"] = round(float(t.cost[0, p]), 2)
    row["compute_yuan"] = round(float(t.cost[0, p] - t.transfer_yuan[0, p]), 2)
    row["transfer_yuan"] = round(float(t.transfer_yuan[0, p]), 2)
    row["transfer_hours"] = round(float(t.transfer_hours[0, p]), 3)
    reasons = training_filters(problem, 0, p)
    if not reasons:
        at = [problem.snapshot.pool_index(c) for c in chosen]
        reasons = [_job_verdict(problem, p, at[0] if at else None, int(left[p]), status)]
    return row | {"reasons": reasons}


def _job_verdict(problem: Problem, p: int, at: int | None, room: int, status: Status) -> str:
    t = problem.training
    gpus = int(t.gpus[0])
    if at == p:
        return (
            f"chosen: {yuan(t.cost[0, p])} yuan for {t.gpu_hours[0, p]:.1f} GPU-hours, done in "
            f"{t.transfer_hours[0, p] + t.run_hours[0, p]:.1f} h"
        )
    if at is None:
        if room < gpus:
            return (
                f"fits, but the plan gave its free GPUs to other work ({room} left, needs {gpus})"
            )
        return (
            f"fits and has room: {yuan(t.cost[0, p])} yuan here, less than the "
            f"{yuan(t.value[0])} yuan its buyer would pay at most; {STOPPED[status]}"
        )
    more = float(t.cost[0, p] - t.cost[0, at])
    if more >= 0:
        return f"fits but costs {yuan(more)} yuan more than the chosen"
    if room < gpus:
        return (
            f"would cost {yuan(-more)} yuan less than the chosen, but the plan leaves {room} "
            f"free GPUs here (needs {gpus})"
        )
    return f"would cost {yuan(-more)} yuan less than the chosen; {STOPPED[status]}"


def _service_row(
    problem: Problem, p: int, replicas: dict[str, ReplicaPlan], left: Ints, status: Status
) -> Row:
    s, geo, pool = problem.services, problem.geometry, problem.snapshot.pools[p].id
    row = _base(problem, p, pool in replicas)
    regions = np.flatnonzero(s.demand[0] > 0)
    row["rtt_ms"] = {geo.region_ids[r]: round(float(geo.rtt_ms[p, r]), 2) for r in regions}
    reasons = service_filters(problem, 0, p)
    if not reasons:
        reasons = [_service_verdict(problem, p, replicas, int(left[p]), status)]
    return row | {"reasons": reasons}


def _per_thousand(problem: Problem, p: int) -> float:
    """Yuan per 1,000 requests of a fully loaded replica in pool p."""
    s, snap = problem.services, problem.snapshot
    return float(snap.price[p] * s.gpus[0, p] / (s.rps[0, p] * 3.6))


def _service_verdict(
    problem: Problem, p: int, replicas: dict[str, ReplicaPlan], room: int, status: Status
) -> str:
    gpus, pool = int(problem.services.gpus[0, p]), problem.snapshot.pools[p].id
    if pool in replicas:
        r = replicas[pool]
        shares = ", ".join(f"{k} {v:.0%}" for k, v in r.region_share.items())
        size = f"{count(r.replicas, 'replica')} of {count(r.gpus_per_replica, 'GPU')}"
        return f"chosen: {size} serving {shares}"
    if not replicas:
        if room < gpus:
            return (
                f"fits, but the plan gave its free GPUs to other work ({room} left, a replica "
                f"needs {gpus})"
            )
        worth = replica_worth(problem, 0, problem.services.demand[0])
        return "fits and has room: " + one_more_replica(problem, 0, p, worth, status)
    here = _per_thousand(problem, p)
    best = min(_per_thousand(problem, problem.snapshot.pool_index(k)) for k in replicas)
    if here >= best:
        return (
            f"fits but costs {here:.2f} yuan per 1,000 requests at full load, the chosen from "
            f"{best:.2f}"
        )
    cheap, dear = above(here, best, 2)
    cheaper = f"cheaper at full load ({cheap} vs {dear} yuan per 1,000 requests)"
    if room < gpus:
        return f"{cheaper}, but the plan leaves {room} free GPUs here (a replica needs {gpus})"
    return f"{cheaper}, but the chosen replicas serve the demand it reaches at less total cost"
