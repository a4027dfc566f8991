"""Why part of a service's demand is unserved, in the order a buyer would check:

1. no route: no pool within the SLO of the region passes the filters (which filter, how many);
2. full: pools within the SLO pass the filters, but the plan left none of them room for a replica;
3. not worth it: the cheapest way to serve more, one more replica where there is room, costs more
   than the unserved demand it reaches is worth at the buyer's max price (`services._value`), as
   when a last fraction of a replica's load is left over;
4. otherwise one more replica would lower the objective, and the plan is without it only because
   of how it was found (`reasons.STOPPED`).
"""

from __future__ import annotations

import numpy as np

from suanli.placement.costs import Bools, Floats, Ints
from suanli.placement.problem import Problem
from suanli.placement.reasons import (
    STOPPED,
    above,
    count,
    first_failures,
    service_price_miss,
    yuan,
)
from suanli.placement.values import Status

TOLERANCE_RPS = 1e-6


def service_left_out(
    problem: Problem, i: int, served: dict[int, float], left: Ints, status: Status
) -> str | None:
    """Why part of service i's demand is unserved (None: all served); `served` maps region
    index to requests/s served, `left` the free GPUs after the plan, `status` how it was found."""
    s, geo = problem.services, problem.geometry
    unserved = s.demand[i] - np.array([served.get(r, 0.0) for r in range(s.demand.shape[1])])
    unserved[unserved <= TOLERANCE_RPS * np.maximum(1.0, s.demand[i])] = 0.0
    worth = replica_worth(problem, i, unserved)
    parts = []
    for r in np.flatnonzero(unserved > 0):
        why = _region_blocked(problem, i, int(r), left, worth, status)
        demand = s.demand[i, r]
        parts.append(f"{geo.region_ids[r]}: {unserved[r]:.3f} of {demand:.3f} rps unserved: {why}")
    return "; ".join(parts) or None


def replica_worth(problem: Problem, i: int, unserved: Floats) -> Floats:
    """Per pool, what one more replica of service i there would be worth: the value of the
    unserved demand within its SLO, most valuable region first, up to the replica's requests/s."""
    s = problem.services
    order = np.argsort(-s.value[i], kind="stable")
    reached = np.where(s.reach[i][:, order], unserved[order][None, :], 0.0)
    before = np.cumsum(reached, axis=1) - reached
    taken = np.clip(s.rps[i][:, None] - before, 0.0, reached)
    worth: Floats = (taken * s.value[i, order][None, :]).sum(axis=1)
    return worth


def _region_blocked(
    problem: Problem, i: int, r: int, left: Ints, worth: Floats, status: Status
) -> str:
    s = problem.services
    routes = s.feasible[i] & s.reach[i, :, r]
    if not routes.any():
        return _no_route(problem, i, r)
    room = routes & (left >= s.gpus[i])
    if not room.any():
        return (
            f"the plan gave the free GPUs of the {count(routes.sum(), 'pool')} within its SLO "
            f"that pass the filters to other work (at most {left[routes].max()} left, a "
            f"replica needs {s.gpus[i][routes].min()})"
        )
    best = int(np.where(room, worth - s.replica_cost[i], -np.inf).argmax())
    return one_more_replica(problem, i, best, worth, status)


def one_more_replica(problem: Problem, i: int, p: int, worth: Floats, status: Status) -> str:
    """Whether one more replica of service i in pool p is worth its cost, in yuan to the fen."""
    s, snap = problem.services, problem.snapshot
    cost, value = round(float(s.replica_cost[i, p]), 2), round(float(worth[p]), 2)
    replica = (
        f"one more replica ({count(int(s.gpus[i, p]), snap.models[p].name + ' GPU')} in "
        f"{snap.pools[p].id}) "
        f"costs {yuan(cost)} yuan per {problem.costs.service_horizon_hours:g} h"
    )
    if cost >= value:
        return (
            f"not worth it: {replica}, and the unserved demand it reaches is worth "
            f"{yuan(value)} yuan at the buyer's max price"
        )
    return f"{replica} and would serve {yuan(value)} yuan of demand; {STOPPED[status]}"


def _no_route(problem: Problem, i: int, r: int) -> str:
    s, geo = problem.services, problem.geometry
    near = geo.rtt_ms[:, r] <= s.slo_ms[i]
    if not near.any():
        nearest, slo = above(geo.rtt_ms[:, r].min(), s.slo_ms[i], 1)
        return f"no pool within the {slo} ms SLO (nearest {nearest} ms)"
    first = first_failures([s.allowed[i], s.node_ok[i], s.fits[i], s.price_ok[i]])
    fails = [near & (first == k) for k in range(4)]
    names = [
        "model not allowed at {}",
        "replica larger than a node at {}",
        "too few free GPUs at {}",
    ]
    if fails[3].any():
        nearest = _nearest_price_miss(problem, i, fails[3])
        names.append(f"price above max at {{}} (nearest {nearest})")
    kept = [name.format(f.sum()) for name, f in zip(names, fails, strict=False) if f.any()]
    return f"of {count(near.sum(), 'pool')} within the {s.slo_ms[i]:g} ms SLO: " + "; ".join(kept)


def _nearest_price_miss(problem: Problem, i: int, over: Bools) -> str:
    """The pool among `over` whose price is the smallest multiple of its limit for service i."""
    s, snap = problem.services, problem.snapshot
    ratio = snap.price / np.maximum(s.limit[i], 1e-12)
    p = int(np.where(over, ratio, np.inf).argmin())
    return f"{snap.pools[p].id}: {service_price_miss(problem, i, p)}"
