"""Spot (preemptible) runs: they pay the policy's spot share of the price and give their GPUs
back when reserved work needs them (`suanli.market.pricing`, `spot_factor`).

Each cycle plans reserved work (on-demand jobs and services) as if the GPUs held by spot runs
were free; then, in each pool where the plan takes more GPUs than are truly free, spot runs are
preempted, the latest started first, until the plan fits. A preempted run is given notice (in
the twin the notice falls within the cycle, so its GPUs are free for the work planned in it),
its line is settled on the hours it ran at its spot price, and it loses the work done since its
last checkpoint:

    ran        = now − start                         hours the run held its GPUs
    kept       = ⌊ran / checkpoint_hours⌋ × checkpoint_hours
    lost       = gpus × (ran − kept)                 GPU-hours lost
    work left  = work × (1 − kept / (end − start))   H100 GPU-hours it still needs

It is then requeued with the work left (keeping its submission hour and deadline), or fails, as
its `on_preempt` asks. Queued spot jobs are planned last, on what the reserved work left free.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from suanli.market.lifecycle import Effect
from suanli.placement import Plan
from suanli.placement.costs import Ints
from suanli.sim.scenario.world import Preemption, Run, World


def spot_held(world: World) -> Ints:
    """GPUs per pool held by running spot jobs."""
    held = np.zeros(len(world.pool_ids), dtype=np.int64)
    for run in world.running.values():
        if run.usage.preemptible:
            held[run.usage.pool] += run.usage.gpus
    return held


def planned_gpus(world: World, decided: Plan) -> Ints:
    """GPUs per pool the plan takes (jobs and replicas)."""
    index = {p: i for i, p in enumerate(world.pool_ids)}
    need = np.zeros(len(world.pool_ids), dtype=np.int64)
    for p in decided.placements:
        need[index[p.pool]] += p.gpus
    for r in decided.replicas:
        need[index[r.pool]] += r.replicas * r.gpus_per_replica
    return need


def preempt_for(world: World, decided: Plan, now: float) -> None:
    """Preempt spot runs wherever `decided` needs their GPUs (module docstring)."""
    short = planned_gpus(world, decided) - (world.online() - world.in_use())
    for pool in np.flatnonzero(short > 0).tolist():
        runs = [r for r in world.running.values() if r.usage.pool == pool and r.usage.preemptible]
        runs.sort(key=lambda r: (-r.usage.start, r.job.id))
        freed = 0
        for run in runs:
            if freed >= short[pool]:
                break
            _preempt(world, run, now)
            freed += run.usage.gpus


def _preempt(world: World, run: Run, now: float) -> None:
    usage, job = run.usage, run.job
    ran = now - usage.start
    kept = math.floor(ran / job.checkpoint_hours + 1e-9) * job.checkpoint_hours
    planned = usage.end - usage.start
    usage.end = now
    world.money.close(usage.line, Effect.SETTLE, usage.gpus * ran)
    del world.running[job.id]
    requeued = job.on_preempt == "requeue"
    if requeued:
        left = job.work_h100_gpu_hours * max(0.0, 1.0 - kept / planned) if planned > 0 else 0.0
        if left > 0:
            world.queue[job.id] = replace(job, work_h100_gpu_hours=left)
            world.jobs.requeued.append(now)
    lost = usage.gpus * (ran - kept)
    world.preemptions.append(Preemption(now, job.id, usage.pool, usage.gpus, lost, requeued))
