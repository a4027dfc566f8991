"""The scheduling cycle, every `step_hours` (after Kueue's cycle; STYLE.md rule 1):

1. drop queued jobs whose deadline has passed;
2. snapshot free capacity (pool GPUs − GPUs held by running jobs; offline sites have none free)
   and this cycle's prices by the run's pricing policy (`pricing.offered`);
3. gather the pending work: queued jobs with the hours left to their deadline, and every live
   service at this hour's demand (`demand`);
4. plan the reserved work (on-demand jobs and services) with the exchange's own placement
   (`suanli.placement.plan`), time from a fixed clock so the plan never depends on wall time,
   counting the GPUs of spot runs as free; in auction mode, clear the cycle's call market on
   that plan's bids and plan again at the cleared prices (`pricing.clearing_prices`); preempt
   the spot runs whose GPUs the plan takes (`spot`);
5. commit: the last cycle's replicas are billed; placed jobs start and hold their gang until
   transfer + run hours pass; inference replicas hold their GPUs until the next cycle (replicas
   are planned afresh every cycle); each run and replica group holds its price in the run's
   book (`money`); then queued spot jobs are planned on what is left, at the spot price;
   unplaced jobs stay queued; demand not served this cycle is unserved;
6. record demand, served requests/s, the queue, GPUs in use and stranded GPUs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from suanli.domain import InferenceService, TrainingJob, Workload
from suanli.market.lifecycle import Effect
from suanli.market.pricing import PricingMode
from suanli.placement import Plan, Snapshot, plan
from suanli.placement.costs import Floats, Ints
from suanli.sim.kernel import Context, Event, EventRecord, Priority
from suanli.sim.scenario.demand import demand_at, diurnal
from suanli.sim.scenario.events import JobFinish
from suanli.sim.scenario.pricing import clearing_prices, offered
from suanli.sim.scenario.spot import preempt_for, spot_held
from suanli.sim.scenario.world import CycleRecord, Run, Usage, World


def fixed_clock() -> float:
    """The placement's clock in a simulation: solve times read 0, and results never depend on
    how fast the machine is."""
    return 0.0


@dataclass(frozen=True, slots=True)
class Cycle(EventRecord):
    """One scheduling cycle (module docstring); schedules the next one."""

    priority: ClassVar[int] = Priority.SCHEDULE
    time: float

    def handle(self, ctx: Context[World]) -> Iterable[Event[World]]:
        world, now, spec = ctx.model, ctx.now, ctx.model.spec
        _drop_expired(world, now)  # 1
        prices = offered(world)
        spot_gpus = spot_held(world)
        snapshot = _snapshot(world, prices, -spot_gpus)  # 2
        multiplier = world.inference_factor * diurnal(now, spec.inference)
        services = demand_at(world.live_services(now), multiplier)
        jobs = _pending_jobs(world, now)
        reserved = Workload("pending", tuple(j for j in jobs if not j.preemptible), tuple(services))
        decided = _plan(world, snapshot, reserved)  # 3, 4
        if world.policy.mode is PricingMode.AUCTION:
            free = snapshot.free_gpus
            prices = clearing_prices(world, decided, reserved.training_jobs, services, free)
            snapshot = _snapshot(world, prices, -spot_gpus)
            decided = _plan(world, snapshot, reserved)
        world.price_log.append(prices)
        if spot_gpus.any():
            preempt_for(world, decided, now)
        spot = tuple(j for j in jobs if j.preemptible)
        follow, replicas = _commit(world, decided, now)  # 5
        if spot:
            spot_prices = prices * world.policy.spot_factor
            spot_work = Workload("spot", spot)
            left = _snapshot(world, spot_prices, replicas)
            follow += _start(world, _plan(world, left, spot_work), now)
        _record(world, now, services, decided, replicas)  # 6
        if now + spec.step_hours < spec.duration_hours - 1e-9:
            follow.append(Cycle(now + spec.step_hours))
        return follow


def _plan(world: World, snapshot: Snapshot, work: Workload) -> Plan:
    spec = world.spec
    return plan(
        snapshot,
        work,
        world.latency,
        policy=spec.placement_policy,
        time_limit=spec.time_limit_s,
        clock=fixed_clock,
    )


def _drop_expired(world: World, now: float) -> None:
    for job_id, job in list(world.queue.items()):
        if job.submit_hour + job.deadline_hours <= now:
            del world.queue[job_id]
            world.jobs.dropped.append(now)


def _snapshot(world: World, prices: Floats, more_used: Ints) -> Snapshot:
    """Free capacity at `prices`: GPUs not held by running jobs, offline or in `more_used` (the
    cycle's replicas; minus the spot runs' GPUs when reserved work may take them)."""
    used = world.in_use() + (world.capacity - world.online()) + more_used
    price = dict(zip(world.pool_ids, prices.tolist(), strict=True))
    in_use = dict(zip(world.pool_ids, used.tolist(), strict=True))
    return Snapshot.of(world.network, used_gpus=in_use, prices=price)


def _pending_jobs(world: World, now: float) -> tuple[TrainingJob, ...]:
    return tuple(
        replace(j, deadline_hours=j.submit_hour + j.deadline_hours - now)
        for j in world.queue.values()
    )


def _commit(world: World, decided: Plan, now: float) -> tuple[list[Event[World]], Ints]:
    """Start the placed jobs and hold the replicas' GPUs; the finish events, and GPUs per pool
    the replicas hold."""
    replicas = np.zeros(len(world.pool_ids), dtype=np.int64)
    index = {p: i for i, p in enumerate(world.pool_ids)}
    close_replicas(world)
    follow = _start(world, decided, now)
    end = min(now + world.spec.step_hours, world.spec.duration_hours)
    for r in decided.replicas:
        gpus = r.replicas * r.gpus_per_replica
        price = r.price_yuan_per_gpu_hour
        usage = _held(world, Usage(index[r.pool], gpus, now, end, price, False, r.service))
        world.replicas.append(usage)
        replicas[index[r.pool]] += gpus
    world.usages += world.replicas
    return follow, replicas


def _start(world: World, decided: Plan, now: float) -> list[Event[World]]:
    """Start the plan's jobs; their finish events."""
    follow: list[Event[World]] = []
    index = {p: i for i, p in enumerate(world.pool_ids)}
    for p in decided.placements:
        job = world.queue.pop(p.job)
        end, price = now + p.est_hours, p.price_yuan_per_gpu_hour
        usage = Usage(index[p.pool], p.gpus, now, end, price, True, job.id, 0, job.preemptible)
        _held(world, usage)
        world.attempts[p.job] += 1
        world.running[p.job] = Run(job, world.attempts[p.job], usage)
        world.usages.append(usage)
        world.jobs.started.append((now, now - job.submit_hour))
        follow.append(JobFinish(usage.end, p.job, world.attempts[p.job]))
    return follow


def _held(world: World, usage: Usage) -> Usage:
    """`usage` with its line open in the run's book: its price held for its hours."""
    supplier = world.pool_site[usage.pool]
    hours = usage.end - usage.start
    usage.line = world.money.open(usage.owner, supplier, usage.gpus, usage.price, hours)
    return usage


def close_replicas(world: World) -> None:
    """Bill the last cycle's replicas for the hours they ran (an outage may have cut them)."""
    for u in world.replicas:
        world.money.close(u.line, Effect.SETTLE, u.gpus * (u.end - u.start))
    world.replicas = []


def _record(
    world: World, now: float, services: list[InferenceService], decided: Plan, replicas: Ints
) -> None:
    rps = {(s.id, d.region): d.rps for s in services for d in s.demand}
    served = sum(
        share * rps.get((r.service, region), 0.0)
        for r in decided.replicas
        for region, share in r.region_share.items()
    )
    in_use = world.in_use() + replicas
    online = world.online()
    waiting = bool(world.queue) or served < sum(rps.values()) - 1e-6
    stranded = int((online - in_use).sum()) if waiting else 0
    world.cycles.append(
        CycleRecord(now, sum(rps.values()), served, len(world.queue), in_use, online, stranded)
    )
