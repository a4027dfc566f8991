"""A placement problem compiled to arrays, a decision on it, and the objective both share.

The objective of a decision, in yuan (the optimizer minimises it, greedy and brute force use it):

    Σ_j placed    cost_jp                      training cost where each job runs
  + Σ_j unplaced  value_j                      what its buyer would pay at most (`training`)
  + Σ_sp          replica_cost_sp × y_sp       replicas over the service horizon
  + Σ_sr          value_sr × (d_sr − served_sr) unserved demand at its value (`services`)

Work that no pool accepts adds nothing: no plan could place it, so it does not move the choice.
Minimising it maximises the surplus at the buyers' limit prices: value placed − cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.domain import Workload
from suanli.network.latency import LatencyModel
from suanli.placement.costs import CostModel, Floats, Ints
from suanli.placement.geometry import Geometry
from suanli.placement.services import ServiceTable, build_services
from suanli.placement.snapshot import Snapshot
from suanli.placement.training import TrainingTable, build_training


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """Snapshot + pending work, compiled: everything a policy reads."""

    snapshot: Snapshot
    workload: Workload
    geometry: Geometry
    costs: CostModel
    training: TrainingTable
    services: ServiceTable

    @classmethod
    def build(
        cls,
        snapshot: Snapshot,
        workload: Workload,
        latency: LatencyModel | None = None,
        costs: CostModel | None = None,
    ) -> Problem:
        cm = costs or CostModel()
        geo = Geometry.of(snapshot, latency or LatencyModel(snapshot.network))
        return cls(
            snapshot=snapshot,
            workload=workload,
            geometry=geo,
            costs=cm,
            training=build_training(snapshot, workload.training_jobs, geo, cm),
            services=build_services(snapshot, workload.services, geo, cm),
        )


@dataclass(frozen=True, slots=True, eq=False)
class Assignment:
    """A decision: the pool of each job (−1: unplaced), replicas per feasible service-pool pair
    (`ServiceTable.sp_*`) and requests/s per route (`ServiceTable.route_*`)."""

    job_pool: Ints
    replicas: Ints
    routed_rps: Floats

    @classmethod
    def empty(cls, problem: Problem) -> Assignment:
        return cls(
            job_pool=np.full(len(problem.training.jobs), -1, dtype=np.int64),
            replicas=np.zeros(problem.services.sp_s.size, dtype=np.int64),
            routed_rps=np.zeros(problem.services.route_sp.size),
        )


def used_gpus(problem: Problem, a: Assignment) -> Ints:
    """GPUs the decision takes from each pool."""
    t, s = problem.training, problem.services
    pools = len(problem.snapshot.pools)
    placed = a.job_pool >= 0
    jobs = np.bincount(a.job_pool[placed], weights=t.gpus[placed], minlength=pools)
    replicas = np.bincount(s.sp_p, weights=a.replicas * s.gpus[s.sp_s, s.sp_p], minlength=pools)
    used: Ints = np.rint(jobs + replicas).astype(np.int64)
    return used


def served_rps(problem: Problem, a: Assignment) -> Floats:
    """Requests/s served per (service, region) demand row (`ServiceTable.sr_*`)."""
    s = problem.services
    served = np.bincount(s.route_sr, weights=a.routed_rps, minlength=s.sr_s.size)
    return served.astype(np.float64)


def objective(problem: Problem, a: Assignment) -> float:
    """The objective of the module docstring, in yuan."""
    t, s = problem.training, problem.services
    placed = a.job_pool >= 0
    jobs = np.arange(len(t.jobs))
    training = t.cost[jobs[placed], a.job_pool[placed]].sum() + t.value[~placed].sum()
    replicas = (a.replicas * s.replica_cost[s.sp_s, s.sp_p]).sum()
    unserved = s.demand[s.sr_s, s.sr_r] - served_rps(problem, a)
    return float(training + replicas + (s.value[s.sr_s, s.sr_r] * unserved).sum())


def capacity_free_bound(problem: Problem) -> float:
    """A lower bound on the objective that ignores pool capacity and whole replicas: each job at
    its cheapest feasible pool (or its value), each request/s at its cheapest route per request/s
    of a fully loaded replica (or its value)."""
    t, s = problem.training, problem.services
    cheapest = np.where(t.feasible, t.cost, np.inf).min(axis=1, initial=np.inf)
    training = np.minimum(cheapest, t.value).sum()
    per_rps = (s.replica_cost / s.rps)[s.sp_s[s.route_sp], s.sp_p[s.route_sp]]
    best = np.full(s.sr_s.size, np.inf)
    np.minimum.at(best, s.route_sr, per_rps)
    sr_value = s.value[s.sr_s, s.sr_r]
    services = (s.demand[s.sr_s, s.sr_r] * np.minimum(best, sr_value)).sum()
    return float(training + services)
