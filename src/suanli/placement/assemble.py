"""Turning a decision (`Assignment`) into a `Plan` with placements, replicas and reasons."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from suanli.placement.costs import Ints
from suanli.placement.problem import Assignment, Problem, objective, used_gpus
from suanli.placement.reasons import job_left_out
from suanli.placement.unserved import TOLERANCE_RPS, service_left_out
from suanli.placement.values import Placement, Plan, ReplicaPlan, Status, Unplaced, relative_gap


def assemble(
    problem: Problem, a: Assignment, *, lower_bound: float, status: Status, seconds: float
) -> Plan:
    """The plan of decision `a`; the bound is capped at the objective (solver tolerances)."""
    value = objective(problem, a)
    bound = min(lower_bound, value)
    return Plan(
        placements=placements(problem, a),
        replicas=replica_plans(problem, a),
        unplaced=unplaced(problem, a, status),
        objective_yuan=value,
        lower_bound_yuan=bound,
        gap=relative_gap(value, bound),
        solve_seconds=seconds,
        status=status,
    )


def placements(problem: Problem, a: Assignment) -> tuple[Placement, ...]:
    t, snap = problem.training, problem.snapshot
    return tuple(
        Placement(
            job=t.jobs[j].id,
            site=snap.sites[p].id,
            pool=snap.pools[p].id,
            gpu_model=snap.models[p].name,
            gpus=int(t.gpus[j]),
            price_yuan_per_gpu_hour=float(snap.price[p]),
            est_cost_yuan=float(t.cost[j, p]),
            gpu_hours=float(t.gpu_hours[j, p]),
            est_hours=float(t.transfer_hours[j, p] + t.run_hours[j, p]),
            transfer_hours=float(t.transfer_hours[j, p]),
            rtt_ms=float(t.rtt_ms[j, p]),
        )
        for j, p in ((int(j), int(a.job_pool[j])) for j in np.flatnonzero(a.job_pool >= 0))
    )


def replica_plans(problem: Problem, a: Assignment) -> tuple[ReplicaPlan, ...]:
    s, snap = problem.services, problem.snapshot
    shares = _region_shares(problem, a)
    out = []
    for k in np.flatnonzero(a.replicas > 0):
        i, p = int(s.sp_s[k]), int(s.sp_p[k])
        out.append(
            ReplicaPlan(
                service=s.services[i].id,
                site=snap.sites[p].id,
                pool=snap.pools[p].id,
                gpu_model=snap.models[p].name,
                replicas=int(a.replicas[k]),
                gpus_per_replica=int(s.gpus[i, p]),
                price_yuan_per_gpu_hour=float(snap.price[p]),
                est_cost_yuan=float(a.replicas[k] * s.replica_cost[i, p]),
                rps_per_replica=float(s.rps[i, p]),
                region_share=shares.get(int(k), {}),
            )
        )
    return tuple(out)


def _region_shares(problem: Problem, a: Assignment) -> dict[int, dict[str, float]]:
    """Per service-pool pair: region -> share of that region's demand it serves."""
    s, regions = problem.services, problem.geometry.region_ids
    shares: dict[int, dict[str, float]] = defaultdict(dict)
    for route in np.flatnonzero(a.routed_rps > TOLERANCE_RPS):
        k, r = int(s.route_sp[route]), int(s.route_r[route])
        demand = s.demand[s.sp_s[k], r]
        shares[k][regions[r]] = min(1.0, float(a.routed_rps[route] / demand))
    return shares


def unplaced(problem: Problem, a: Assignment, status: Status) -> tuple[Unplaced, ...]:
    """Jobs left out and services with unserved demand, each with its reason (which may depend
    on how the plan was found: `status`)."""
    left: Ints = problem.snapshot.free_gpus - used_gpus(problem, a)
    out = [
        Unplaced(problem.training.jobs[j].id, job_left_out(problem, int(j), left, status))
        for j in np.flatnonzero(a.job_pool < 0)
    ]
    s = problem.services
    served: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for route in np.flatnonzero(a.routed_rps > 0):
        served[int(s.sp_s[s.route_sp[route]])][int(s.route_r[route])] += a.routed_rps[route]
    for i, svc in enumerate(s.services):
        reason = service_left_out(problem, i, served[i], left, status)
        if reason is not None:
            out.append(Unplaced(svc.id, reason))
    return tuple(out)
