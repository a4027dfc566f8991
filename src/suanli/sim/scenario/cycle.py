"""The scheduling cycle, every `step_hours` (after Kueue's cycle; STYLE.md rule 1):

1. drop queued jobs whose deadline has passed;
2. snapshot free capacity (pool GPUs − GPUs held by running jobs; offline sites have none free)
   and the current prices;
3. gather the pending work: queued jobs with the hours left to their deadline, and every live
   service at this hour's demand (`demand`);
4. plan with the exchange's own placement (`suanli.placement.plan`), time from a fixed clock so
   the plan never depends on wall time;
5. commit: placed jobs start and hold their gang until transfer + run hours pass; inference
   replicas hold their GPUs until the next cycle (replicas are planned afresh every cycle);
   unplaced jobs stay queued; demand not served this cycle is unserved;
6. record demand, served requests/s, the queue, GPUs in use and stranded GPUs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from suanli.domain import InferenceService, TrainingJob, Workload
from suanli.placement import Plan, Snapshot, plan
from suanli.placement.costs import Ints
from suanli.sim.kernel import Context, Event, EventRecord, Priority
from suanli.sim.scenario.demand import demand_at, diurnal
from suanli.sim.scenario.events import JobFinish
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
        snapshot = _snapshot(world)  # 2
        multiplier = world.inference_factor * diurnal(now, spec.inference)
        services = demand_at(world.live_services(now), multiplier)
        work = Workload("pending", _pending_jobs(world, now), tuple(services))  # 3
        decided = plan(  # 4
            snapshot,
            work,
            world.latency,
            policy=spec.placement_policy,
            time_limit=spec.time_limit_s,
            clock=fixed_clock,
        )
        follow, replicas = _commit(world, decided, now)  # 5
        _record(world, now, services, decided, replicas)  # 6
        if now + spec.step_hours < spec.duration_hours - 1e-9:
            follow.append(Cycle(now + spec.step_hours))
        return follow


def _drop_expired(world: World, now: float) -> None:
    for job_id, job in list(world.queue.items()):
        if job.submit_hour + job.deadline_hours <= now:
            del world.queue[job_id]
            world.jobs.dropped.append(now)


def _snapshot(world: World) -> Snapshot:
    used = world.in_use() + (world.capacity - world.online())
    prices = dict(zip(world.pool_ids, world.prices.tolist(), strict=True))
    in_use = dict(zip(world.pool_ids, used.tolist(), strict=True))
    return Snapshot.of(world.network, used_gpus=in_use, prices=prices)


def _pending_jobs(world: World, now: float) -> tuple[TrainingJob, ...]:
    return tuple(
        replace(j, deadline_hours=j.submit_hour + j.deadline_hours - now)
        for j in world.queue.values()
    )


def _commit(world: World, decided: Plan, now: float) -> tuple[list[Event[World]], Ints]:
    """Start the placed jobs and hold the replicas' GPUs; the finish events, and GPUs per pool
    the replicas hold."""
    follow: list[Event[World]] = []
    replicas = np.zeros(len(world.pool_ids), dtype=np.int64)
    index = {p: i for i, p in enumerate(world.pool_ids)}
    for p in decided.placements:
        job = world.queue.pop(p.job)
        usage = Usage(
            index[p.pool], p.gpus, now, now + p.est_hours, p.price_yuan_per_gpu_hour, True
        )
        world.attempts[p.job] += 1
        world.running[p.job] = Run(job, world.attempts[p.job], usage)
        world.usages.append(usage)
        world.jobs.started.append((now, now - job.submit_hour))
        follow.append(JobFinish(usage.end, p.job, world.attempts[p.job]))
    end = min(now + world.spec.step_hours, world.spec.duration_hours)
    world.replicas = []
    for r in decided.replicas:
        gpus = r.replicas * r.gpus_per_replica
        usage = Usage(index[r.pool], gpus, now, end, r.price_yuan_per_gpu_hour, False)
        world.replicas.append(usage)
        replicas[index[r.pool]] += gpus
    world.usages += world.replicas
    return follow, replicas


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
