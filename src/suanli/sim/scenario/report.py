"""The run's figures: a summary, one row per step and one row per site.

Definitions (all GPU figures count whole GPUs of the network's pools):
- utilization: busy GPU-hours (training + inference) / online GPU-hours (offline sites excluded);
  overall, per site class (west, east, metro) and per latency group (remote, near_demand:
  `setup.site_groups`);
- GPU-hours sold: what was placed; revenue: what the run's book charged buyers (`money`), at
  the price the work was placed at; the hours of runs killed by an outage are busy but refunded;
  fees and each supplier's receivable come from the same book, so revenue = receivables + fees;
- prices: the pricing policy's mode and the price index per GPU model (`prices`);
- preemptions: spot runs preempted for reserved work, and the GPU-hours they lost since their
  last checkpoint;
- queueing delay: hours from submission to the start of a run; completion time: hours from
  submission to the end of the run that finished;
- SLO attainment: served / demanded inference requests, weighted by each cycle's length;
- stranded GPUs: online GPUs left idle by a cycle that still left work waiting (queued jobs or
  unserved demand): capacity that exists but that no pending work could use.
Numbers are rounded (4 decimals) so that equal runs give equal bytes; missing values are None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from suanli.market.money import to_yuan
from suanli.placement.costs import Bools, Floats
from suanli.sim.scenario.accounts import Accounts
from suanli.sim.scenario.prices import model_index_summary
from suanli.sim.scenario.setup import NEAR_DEMAND_RTT_MS, site_class, site_groups
from suanli.sim.scenario.world import World

Row = dict[str, Any]


def r4(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 4)


def share(part: float, whole: float) -> float | None:
    return r4(part / whole) if whole > 0 else None


def pct(values: Sequence[float], q: float) -> float | None:
    return r4(float(np.percentile(values, q))) if len(values) else None


def class_masks(world: World) -> dict[str, Bools]:
    """Per site class and latency group, which pools belong to it."""
    groups = site_groups(world.network, world.latency)
    return {g: np.isin(world.pool_site, ids) for g, ids in groups.items()}


def summary(world: World, acc: Accounts) -> Row:
    busy, online = acc.busy, acc.online
    masks = class_masks(world)
    started = [d for _, d in world.jobs.started]
    finished = [c for _, c in world.jobs.finished]
    cycles, lengths = world.cycles, acc.lengths
    demand = sum(c.demand_rps * h for c, h in zip(cycles, lengths, strict=True))
    served = sum(c.served_rps * h for c, h in zip(cycles, lengths, strict=True))
    return {
        "utilization": share(busy.sum(), online.sum()),
        "utilization_by_group": {
            c: share(busy[m].sum(), online[m].sum()) for c, m in masks.items()
        },
        "online_gpu_hours": r4(online.sum()),
        "gpu_hours_sold": r4(busy.sum()),
        "training_gpu_hours": r4(acc.training.sum()),
        "training_gpu_hours_by_group": {c: r4(acc.training[m].sum()) for c, m in masks.items()},
        "inference_gpu_hours": r4(acc.inference.sum()),
        "revenue_yuan": to_yuan(sum(world.money.charged_fen.values())),
        "fees_yuan": to_yuan(world.money.fees_fen),
        "supplier_receivable_yuan": to_yuan(
            sum(world.money.receivable_fen(s.id) for s in world.network.sites)
        ),
        "slo_attainment": share(served, demand),
        "queue_delay_hours": {"p50": pct(started, 50), "p95": pct(started, 95)},
        "completion_hours": {"p50": pct(finished, 50), "p95": pct(finished, 95)},
        "stranded_gpu_hours": r4(
            sum(c.stranded_gpus * h for c, h in zip(cycles, lengths, strict=True))
        ),
        "jobs": _job_counts(world),
        "preemptions": _preemptions(world),
        "pricing": {"mode": world.policy.mode.value, "policy": world.policy.version},
        "price_index_by_model": model_index_summary(world),
    }


def _preemptions(world: World) -> Row:
    p = world.preemptions
    return {
        "count": len(p),
        "requeued": sum(x.requeued for x in p),
        "failed": sum(not x.requeued for x in p),
        "lost_gpu_hours": r4(sum(x.lost_gpu_hours for x in p)),
    }


def _job_counts(world: World) -> Row:
    j = world.jobs
    return {
        "submitted": len(j.submitted),
        "started": len(j.started),
        "finished": len(j.finished),
        "dropped": len(j.dropped),
        "requeued": len(j.requeued),
        "queued_at_end": len(world.queue),
        "running_at_end": len(world.running),
    }


def _in_step(records: Sequence[tuple[float, float]], a: float, b: float) -> list[float]:
    return [v for t, v in records if a <= t < b]


def timeseries(world: World, acc: Accounts) -> list[Row]:
    masks = class_masks(world)
    rows = []
    for k, cycle in enumerate(world.cycles):
        a, b = float(acc.starts[k]), float(acc.starts[k] + acc.lengths[k])
        busy, online = acc.busy[:, k], acc.online[:, k]
        delays = _in_step(world.jobs.started, a, b)
        row: Row = {"hour": r4(a), "utilization": share(busy.sum(), online.sum())}
        row |= {f"utilization_{c}": share(busy[m].sum(), online[m].sum()) for c, m in masks.items()}
        row |= {
            "online_gpus": r4(online.sum() / acc.lengths[k]),
            "busy_gpus": r4(busy.sum() / acc.lengths[k]),
            "training_gpu_hours": r4(acc.training[:, k].sum()),
            "inference_gpu_hours": r4(acc.inference[:, k].sum()),
            "revenue_yuan": r4(acc.revenue[:, k].sum()),
            "demand_rps": r4(cycle.demand_rps),
            "served_rps": r4(cycle.served_rps),
            "slo_attainment": share(cycle.served_rps, cycle.demand_rps),
            "queued_jobs": cycle.queued,
            "started_jobs": len(delays),
            "finished_jobs": len(_in_step(world.jobs.finished, a, b)),
            "dropped_jobs": sum(a <= t < b for t in world.jobs.dropped),
            "queue_delay_p50_hours": pct(delays, 50),
            "queue_delay_p95_hours": pct(delays, 95),
            "stranded_gpus": cycle.stranded_gpus,
        }
        rows.append(row)
    return rows


def sites(world: World, acc: Accounts) -> list[Row]:
    rows = []
    nearest = world.latency.rtt_ms.min(axis=1)
    for i, site in enumerate(world.network.sites):
        pools = np.array([s == site.id for s in world.pool_site])
        busy: Floats = acc.busy[pools]
        online = float(acc.online[pools].sum())
        rows.append(
            {
                "site": site.id,
                "class": site_class(site),
                "gpus": site.gpus,
                "nearest_region_rtt_ms": r4(nearest[i]),
                "near_demand": bool(nearest[i] <= NEAR_DEMAND_RTT_MS),
                "online_gpu_hours": r4(online),
                "training_gpu_hours": r4(acc.training[pools].sum()),
                "inference_gpu_hours": r4(acc.inference[pools].sum()),
                "utilization": share(float(busy.sum()), online),
                "revenue_yuan": r4(acc.revenue[pools].sum()),
                "receivable_yuan": to_yuan(world.money.receivable_fen(site.id)),
            }
        )
    return rows
