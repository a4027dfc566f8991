"""The greedy policy: fast, no solver; the optimizer's starting point and fallback.

1. Services first: their RTT SLO ties them to the few pools near their users, while a training
   job can run almost anywhere. Services go in order of the value of their demand (highest
   first); for each, repeat: among its feasible pools with room for a replica, take the one with
   the least cost per request/s served when it gets the replicas to serve all the remaining
   demand it reaches (capacity permitting); route that load to the regions it reaches, most
   valuable region first; stop when no pool serves more value than it costs.
2. Training jobs in order of value per GPU (highest first), each to its cheapest feasible pool
   that still has room for the whole gang.
Each decision scores all candidate pools at once with NumPy. Ties go to the lower index, so the
same problem always gives the same plan.
"""

from __future__ import annotations

import numpy as np

from suanli.placement.costs import Bools, Floats, Ints
from suanli.placement.problem import Assignment, Problem
from suanli.placement.services import ServiceTable
from suanli.placement.training import TrainingTable

EPS_RPS = 1e-9


def greedy(problem: Problem) -> Assignment:
    """Steps 1 and 2 of the module docstring."""
    free = problem.snapshot.free_gpus.copy()
    a = Assignment.empty(problem)
    _place_services(problem.services, free, a.replicas, a.routed_rps)
    _place_jobs(problem.training, free, a.job_pool)
    return a


def _place_jobs(t: TrainingTable, free: Ints, job_pool: Ints) -> None:
    density = t.value / t.gpus
    candidates = np.flatnonzero(t.feasible.any(axis=1))
    order = candidates[np.argsort(-density[candidates], kind="stable")]
    for j in order:
        room = t.feasible[j] & (free >= t.gpus[j])
        if room.any():
            p = int(np.argmin(np.where(room, t.cost[j], np.inf)))
            job_pool[j] = p
            free[p] -= t.gpus[j]


def _place_services(s: ServiceTable, free: Ints, replicas: Ints, routed: Floats) -> None:
    worth = (s.value * s.demand).sum(axis=1)
    pair_start = np.searchsorted(s.sp_s, np.arange(len(s.services) + 1))
    route_start = np.searchsorted(s.route_sp, np.arange(s.sp_s.size + 1))
    for i in np.argsort(-worth, kind="stable"):
        pairs = np.arange(pair_start[i], pair_start[i + 1])
        if pairs.size:
            _ServiceFill(s, int(i), pairs, route_start, free, replicas, routed).run()


class _ServiceFill:
    """Step 1 for one service: mutates `free`, `replicas` and `routed` in place."""

    def __init__(
        self,
        s: ServiceTable,
        i: int,
        pairs: Ints,
        route_start: Ints,
        free: Ints,
        replicas: Ints,
        routed: Floats,
    ) -> None:
        self.s, self.pairs, self.route_start = s, pairs, route_start
        self.free, self.replicas, self.routed = free, replicas, routed
        self.pools = s.sp_p[pairs]
        self.reach: Bools = s.reach[i][self.pools]  # feasible pairs: reach means a route
        self.gpus, self.rps = s.gpus[i][self.pools], s.rps[i][self.pools]
        self.cost, self.value = s.replica_cost[i][self.pools], s.value[i]
        self.left = s.demand[i].copy()
        self.banned = np.zeros(pairs.size, dtype=bool)

    def run(self) -> None:
        while (k := self._best()) is not None:
            count, load = self._size(k)
            served = self._route(k, load, commit=False)
            if (served * self.value).sum() + 1e-9 < count * self.cost[k]:
                self.banned[k] = True
                continue
            self._route(k, load, commit=True)
            self.replicas[self.pairs[k]] += count
            self.free[self.pools[k]] -= count * self.gpus[k]

    def _counts(self) -> tuple[Ints, Floats]:
        """Replicas each candidate would get, and the load they would serve."""
        reachable = self.reach.astype(np.float64) @ np.where(self.left > EPS_RPS, self.left, 0.0)
        wanted = np.ceil(reachable / self.rps - 1e-9).astype(np.int64)
        count = np.minimum(wanted, self.free[self.pools] // self.gpus)
        return count, np.minimum(reachable, count * self.rps)

    def _best(self) -> int | None:
        count, load = self._counts()
        ok = (count > 0) & (load > EPS_RPS) & ~self.banned
        if not ok.any():
            return None
        per_rps = np.where(ok, count * self.cost / np.where(ok, load, 1.0), np.inf)
        return int(np.argmin(per_rps))

    def _size(self, k: int) -> tuple[int, float]:
        count, load = self._counts()
        return int(count[k]), float(load[k])

    def _route(self, k: int, load: float, *, commit: bool) -> Floats:
        """Spread `load` over the regions candidate k reaches, most valuable first."""
        served = np.zeros(self.left.size)
        regions = np.flatnonzero(self.reach[k] & (self.left > EPS_RPS))
        for r in regions[np.argsort(-self.value[regions], kind="stable")]:
            served[r] = min(self.left[r], load)
            load -= served[r]
        if commit:
            self._commit(k, served)
        return served

    def _commit(self, k: int, served: Floats) -> None:
        lo, hi = self.route_start[self.pairs[k]], self.route_start[self.pairs[k] + 1]
        route_regions = self.s.route_r[lo:hi]
        for r in np.flatnonzero(served):
            self.routed[lo + int(np.searchsorted(route_regions, r))] += served[r]
        self.left -= served
