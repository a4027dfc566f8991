"""Why a pool was not used, or why work was left out, in words a buyer can act on.

A reason that compares a value with a limit prints both at the same precision, with as many
decimals as it takes for the printed numbers to agree with the comparison (`decimals`).
Unserved inference demand has its own module, `placement.unserved`.
"""

from __future__ import annotations

import numpy as np

from suanli.placement.costs import Bools, Ints
from suanli.placement.problem import Problem
from suanli.placement.values import Status

MOST_DECIMALS = 6

STOPPED: dict[Status, str] = {
    "optimal": "the plan is within the solver's gap tolerance without it",
    "time_limit": "the solver's time limit ran out first",
    "greedy": "the greedy policy left it out",
    "greedy_fallback": "the solver found no plan in time and the greedy fallback left it out",
}
"""Why a plan leaves out work that would lower its objective, by how the plan was found."""


def yuan(x: float) -> str:
    """1234.5 -> "1,234.50"; the thousands separator keeps big sums readable."""
    return f"{x:,.2f}"


def decimals(value: float, limit: float, least: int) -> int:
    """Decimals to print `value` and `limit` with in one comparison: `least`, or more until two
    different numbers read differently ("RTT 5.04 ms exceeds SLO 5.00 ms", never "5.0 ... 5")."""
    d = least
    while d < MOST_DECIMALS and f"{value:.{d}f}" == f"{limit:.{d}f}":
        d += 1
    return d


def above(value: float, limit: float, least: int) -> tuple[str, str]:
    """`value` and `limit` as text at the precision of `decimals`."""
    d = decimals(value, limit, least)
    return f"{value:,.{d}f}", f"{limit:,.{d}f}"


def count(n: int, noun: str) -> str:
    """3, "pool" -> "3 pools"; 1, "pool" -> "1 pool"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def allowed_models(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "any"


def training_filters(problem: Problem, j: int, p: int) -> list[str]:
    """Every filter pool p fails for training job j (empty: the pair is feasible)."""
    t, snap = problem.training, problem.snapshot
    job = t.jobs[j]
    out = []
    if not t.allowed[j, p]:
        allowed = allowed_models(job.allowed_gpu_models)
        out.append(f"model {snap.models[p].name} not allowed ({allowed})")
    if not t.fits[j, p]:
        out.append(f"needs {job.gpus} GPUs, pool has {snap.free_gpus[p]} free")
    if not t.price_ok[j, p]:
        price, limit = above(snap.price[p], job.max_price_yuan_per_gpu_hour, 2)
        out.append(f"price {price} > max {limit}")
    if not t.deadline_ok[j, p]:
        move, run = t.transfer_hours[j, p], t.run_hours[j, p]
        d = decimals(move + run, job.deadline_hours, 1)
        out.append(
            f"deadline: {move:.{d}f} h transfer + {run:.{d}f} h run = {move + run:.{d}f} h "
            f"> {job.deadline_hours:.{d}f} h"
        )
    return out


def service_filters(problem: Problem, i: int, p: int) -> list[str]:
    """Every filter pool p fails for service i (empty: the pair is feasible)."""
    s, snap, cm = problem.services, problem.snapshot, problem.costs
    svc, gpus = s.services[i], int(s.gpus[i, p])
    out = []
    if not s.allowed[i, p]:
        allowed = allowed_models(svc.allowed_gpu_models)
        out.append(f"model {snap.models[p].name} not allowed ({allowed})")
    if not s.node_ok[i, p]:
        out.append(
            f"a replica needs {gpus} GPUs ({svc.model_weights_gb:g} GB weights × "
            f"{cm.kv_cache_overhead:g} / {snap.memory_gb[p]:g} GB), a node has "
            f"{snap.gpus_per_node[p]}"
        )
    elif not s.fits[i, p]:
        out.append(f"a replica needs {gpus} GPUs, pool has {snap.free_gpus[p]} free")
    if not s.price_ok[i, p]:
        out.append(service_price_miss(problem, i, p))
    if not s.reach[i, p].any():
        out.extend(_rtt_misses(problem, i, p))
    return out


def service_price_miss(problem: Problem, i: int, p: int) -> str:
    """Pool p's price against service i's limit there, and how the buyer's limit per H100
    decode hour became it."""
    s, snap = problem.services, problem.snapshot
    price, limit = above(snap.price[p], s.limit[i, p], 2)
    per_h100 = s.services[i].max_price_yuan_per_h100_decode_hour
    return (
        f"price {price} > max {limit} = {per_h100:g} per H100 decode hour × "
        f"{snap.decode_equivalent[p]:.3f} for {snap.models[p].name}"
    )


def _rtt_misses(problem: Problem, i: int, p: int) -> list[str]:
    s, geo = problem.services, problem.geometry
    out = []
    for r in np.flatnonzero(s.demand[i] > 0):
        rtt, slo = above(geo.rtt_ms[p, r], s.slo_ms[i], 1)
        out.append(f"RTT {rtt} ms from {geo.region_ids[r]} exceeds SLO {slo} ms")
    return out


def first_failures(masks: list[Bools]) -> Ints:
    """Per pool, the index of the first mask that fails (len(masks) when all hold)."""
    fail = ~np.array(masks, dtype=bool)
    first: Ints = np.where(fail.any(axis=0), fail.argmax(axis=0), len(masks)).astype(np.int64)
    return first


def job_left_out(problem: Problem, j: int, left: Ints, status: Status) -> str:
    """Why training job j is unplaced, given the free GPUs `left` after the plan and how the
    plan was found (a job is worth more than its cost in every pool that passes its filters,
    so one with room left is out only because the search stopped)."""
    t = problem.training
    ok = t.feasible[j]
    if ok.any():
        room = int(left[ok].max())
        if room >= t.gpus[j]:
            return (
                f"{ok.sum()} pools pass the filters and one has {room} free GPUs left; "
                f"{STOPPED[status]}"
            )
        return (
            f"{ok.sum()} pools pass the filters, but the plan gave their free GPUs to other "
            f"work (at most {room} left, needs {t.gpus[j]})"
        )
    return "no pool passes the filters: " + "; ".join(_job_filter_counts(problem, j))


def _job_filter_counts(problem: Problem, j: int) -> list[str]:
    """How many pools fail each filter first, with the nearest miss of each."""
    t, snap = problem.training, problem.snapshot
    job = t.jobs[j]
    first = first_failures([t.allowed[j], t.fits[j], t.price_ok[j], t.deadline_ok[j]])
    model, gpus, price, deadline = (first == k for k in range(4))
    hours = t.transfer_hours[j] + t.run_hours[j]
    out = []
    if model.any():
        allowed = allowed_models(job.allowed_gpu_models)
        out.append(f"model not allowed at {model.sum()} pools ({allowed})")
    if gpus.any():
        most = snap.free_gpus[gpus].max()
        out.append(f"too few free GPUs at {gpus.sum()} (needs {job.gpus}, most free {most})")
    if price.any():
        cheapest, limit = above(snap.price[price].min(), job.max_price_yuan_per_gpu_hour, 2)
        out.append(f"price above max {limit} at {price.sum()} (cheapest {cheapest})")
    if deadline.any():
        fastest, limit = above(hours[deadline].min(), job.deadline_hours, 1)
        out.append(f"deadline {limit} h missed at {deadline.sum()} (fastest {fastest} h)")
    return out
