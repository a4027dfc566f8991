"""Why a pool was not used, or why work was left out, in words a buyer can act on."""

from __future__ import annotations

import numpy as np

from suanli.placement.costs import Bools, Ints
from suanli.placement.problem import Problem

TOLERANCE_RPS = 1e-6


def yuan(x: float) -> str:
    """1234.5 -> "1,234.50"; the thousands separator keeps big sums readable."""
    return f"{x:,.2f}"


def _allowed(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "any"


def training_filters(problem: Problem, j: int, p: int) -> list[str]:
    """Every filter pool p fails for training job j (empty: the pair is feasible)."""
    t, snap = problem.training, problem.snapshot
    job = t.jobs[j]
    out = []
    if not t.allowed[j, p]:
        out.append(f"model {snap.models[p].name} not allowed ({_allowed(job.allowed_gpu_models)})")
    if not t.fits[j, p]:
        out.append(f"needs {job.gpus} GPUs, pool has {snap.free_gpus[p]} free")
    if not t.price_ok[j, p]:
        out.append(f"price {snap.price[p]:.2f} > max {job.max_price_yuan_per_gpu_hour:.2f}")
    if not t.deadline_ok[j, p]:
        out.append(
            f"deadline: {t.transfer_hours[j, p]:.1f} h transfer + {t.run_hours[j, p]:.1f} h run "
            f"> {job.deadline_hours:.1f} h"
        )
    return out


def service_filters(problem: Problem, i: int, p: int) -> list[str]:
    """Every filter pool p fails for service i (empty: the pair is feasible)."""
    s, snap, cm = problem.services, problem.snapshot, problem.costs
    svc, gpus = s.services[i], int(s.gpus[i, p])
    out = []
    if not s.allowed[i, p]:
        out.append(f"model {snap.models[p].name} not allowed ({_allowed(svc.allowed_gpu_models)})")
    if not s.node_ok[i, p]:
        out.append(
            f"a replica needs {gpus} GPUs ({svc.model_weights_gb:g} GB weights × "
            f"{cm.kv_cache_overhead:g} / {snap.memory_gb[p]:g} GB), a node has "
            f"{snap.gpus_per_node[p]}"
        )
    elif not s.fits[i, p]:
        out.append(f"a replica needs {gpus} GPUs, pool has {snap.free_gpus[p]} free")
    if not s.price_ok[i, p]:
        out.append(f"price {snap.price[p]:.2f} > max {svc.max_price_yuan_per_gpu_hour:.2f}")
    if not s.reach[i, p].any():
        out.extend(_rtt_misses(problem, i, p))
    return out


def _rtt_misses(problem: Problem, i: int, p: int) -> list[str]:
    s, geo = problem.services, problem.geometry
    return [
        f"RTT {geo.rtt_ms[p, r]:.1f} ms from {geo.region_ids[r]} exceeds SLO {s.slo_ms[i]:g} ms"
        for r in np.flatnonzero(s.demand[i] > 0)
    ]


def _first_failures(masks: list[Bools]) -> Ints:
    """Per pool, the index of the first mask that fails (len(masks) when all hold)."""
    fail = ~np.array(masks, dtype=bool)
    first: Ints = np.where(fail.any(axis=0), fail.argmax(axis=0), len(masks)).astype(np.int64)
    return first


def job_left_out(problem: Problem, j: int, left: Ints) -> str:
    """Why training job j is unplaced, given the free GPUs `left` after the plan."""
    t = problem.training
    ok = t.feasible[j]
    if ok.any():
        room = int(left[ok].max())
        if room >= t.gpus[j]:
            return (
                f"{ok.sum()} pools pass the filters and one has {room} free GPUs left; the "
                "solver stopped within its gap tolerance before placing it"
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
    first = _first_failures([t.allowed[j], t.fits[j], t.price_ok[j], t.deadline_ok[j]])
    model, gpus, price, deadline = (first == k for k in range(4))
    hours = t.transfer_hours[j] + t.run_hours[j]
    out = []
    if model.any():
        out.append(f"model not allowed at {model.sum()} pools ({_allowed(job.allowed_gpu_models)})")
    if gpus.any():
        most = snap.free_gpus[gpus].max()
        out.append(f"too few free GPUs at {gpus.sum()} (needs {job.gpus}, most free {most})")
    if price.any():
        out.append(
            f"price above max {job.max_price_yuan_per_gpu_hour:.2f} at {price.sum()} "
            f"(cheapest {snap.price[price].min():.2f})"
        )
    if deadline.any():
        out.append(
            f"deadline {job.deadline_hours:.1f} h missed at {deadline.sum()} (fastest "
            f"{hours[deadline].min():.1f} h)"
        )
    return out


def service_left_out(problem: Problem, i: int, served: dict[int, float], left: Ints) -> str | None:
    """Why part of service i's demand is unserved (None: all served); `served` maps region
    index to requests/s served, `left` the free GPUs after the plan."""
    s, geo = problem.services, problem.geometry
    parts = []
    for r in np.flatnonzero(s.demand[i] > 0):
        demand = float(s.demand[i, r])
        unserved = demand - served.get(int(r), 0.0)
        if unserved > TOLERANCE_RPS * max(1.0, demand):
            why = _region_blocked(problem, i, int(r), left)
            parts.append(f"{geo.region_ids[r]}: {unserved:.3f} of {demand:.3f} rps unserved: {why}")
    return "; ".join(parts) or None


def _region_blocked(problem: Problem, i: int, r: int, left: Ints) -> str:
    s, geo, snap = problem.services, problem.geometry, problem.snapshot
    routes = s.feasible[i] & s.reach[i, :, r]
    if routes.any():
        if (left[routes] >= s.gpus[i][routes]).any():
            return "the solver stopped within its gap tolerance before serving it"
        return "the pools within its SLO that pass the filters are full (given to other work)"
    near = geo.rtt_ms[:, r] <= s.slo_ms[i]
    if not near.any():
        return (
            f"no pool within the {s.slo_ms[i]:g} ms SLO (nearest {geo.rtt_ms[:, r].min():.1f} ms)"
        )
    first = _first_failures([s.allowed[i], s.node_ok[i], s.fits[i], s.price_ok[i]])
    names = [
        "model not allowed",
        "replica larger than a node",
        "too few free GPUs",
        f"price above max {s.limit[i]:.2f} (cheapest {snap.price[near].min():.2f})",
    ]
    counts = [f"{name} at {(near & (first == k)).sum()}" for k, name in enumerate(names)]
    kept = [c for c, k in zip(counts, range(4), strict=True) if (near & (first == k)).any()]
    return f"of {near.sum()} pools within the {s.slo_ms[i]:g} ms SLO: " + "; ".join(kept)
