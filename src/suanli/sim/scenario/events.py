"""The scenario's events, one small frozen dataclass each: `handle` changes the world and
returns the follow-ups (STYLE.md rule 5). Same-time order comes from `Priority`: control changes
(outages, prices, shifts) first, then finishes, then arrivals, then the scheduling cycle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

from suanli.domain import TrainingJob
from suanli.market.lifecycle import Effect
from suanli.sim.kernel import Context, Event, EventRecord, Priority
from suanli.sim.scenario.world import World

Ctx = Context[World]
Follow = Iterable[Event[World]]


@dataclass(frozen=True, slots=True)
class JobArrival(EventRecord):
    """A job is submitted. The current training arrival factor keeps it, drops it or copies it
    (floor(factor) copies, one more with probability frac(factor)); the efficiency factor
    scales its work."""

    priority: ClassVar[int] = Priority.ARRIVAL
    time: float
    job: TrainingJob

    def handle(self, ctx: Ctx) -> Follow:
        world = ctx.model
        rate = world.training_rate
        copies = math.floor(rate)
        if rate > copies and ctx.rng.random() < rate - copies:
            copies += 1
        work = self.job.work_h100_gpu_hours * world.work_factor
        for k in range(copies):
            suffix = f"~{k}" if k else ""
            job = replace(self.job, id=self.job.id + suffix, work_h100_gpu_hours=work)
            world.queue[job.id] = job
            world.jobs.submitted.append(ctx.now)
        return ()


@dataclass(frozen=True, slots=True)
class JobFinish(EventRecord):
    """A job's run ends, unless that attempt was already killed by an outage."""

    priority: ClassVar[int] = Priority.FINISH
    time: float
    job: str
    attempt: int

    def handle(self, ctx: Ctx) -> Follow:
        world = ctx.model
        run = world.running.get(self.job)
        if run is not None and run.attempt == self.attempt:
            del world.running[self.job]
            usage = run.usage
            world.money.close(usage.line, Effect.SETTLE, usage.gpus * (usage.end - usage.start))
            world.jobs.finished.append((ctx.now, ctx.now - run.job.submit_hour))
        return ()


@dataclass(frozen=True, slots=True)
class SiteDown(EventRecord):
    """A site goes offline (an outage, or a new site not yet open). Jobs running there fail:
    their lines are refunded (the supplier failed) and they go back to the queue to start over
    (no checkpoint is assumed), keeping their submission hour and deadline. Inference replicas
    there stop (billed up to now); their demand waits for the next cycle to be planned
    elsewhere."""

    priority: ClassVar[int] = Priority.CONTROL
    time: float
    site: str

    def handle(self, ctx: Ctx) -> Follow:
        world = ctx.model
        world.down[self.site] += 1
        for job_id, run in list(world.running.items()):
            if world.pool_site[run.usage.pool] == self.site:
                run.usage.end = ctx.now
                world.money.close(run.usage.line, Effect.REFUND)
                del world.running[job_id]
                world.queue[job_id] = run.job
                world.jobs.requeued.append(ctx.now)
        for usage in world.replicas:
            if world.pool_site[usage.pool] == self.site:
                usage.end = min(usage.end, ctx.now)
        return ()


@dataclass(frozen=True, slots=True)
class SiteUp(EventRecord):
    """A site comes (back) online; the next cycle may place work there."""

    priority: ClassVar[int] = Priority.CONTROL
    time: float
    site: str

    def handle(self, ctx: Ctx) -> Follow:
        ctx.model.down[self.site] -= 1
        return ()


@dataclass(frozen=True, slots=True)
class PriceChange(EventRecord):
    """Reserve prices of matching pools × factor; placed work keeps the price it was placed at."""

    priority: ClassVar[int] = Priority.CONTROL
    time: float
    factor: float
    site: str | None = None
    pool: str | None = None
    gpu_model: str | None = None

    def handle(self, ctx: Ctx) -> Follow:
        w = ctx.model
        for i in range(len(w.pool_ids)):
            wanted = (self.site, self.pool, self.gpu_model)
            have = (w.pool_site[i], w.pool_ids[i], w.pool_model[i])
            if all(want is None or want == got for want, got in zip(wanted, have, strict=True)):
                w.reserve[i] *= self.factor
        return ()


@dataclass(frozen=True, slots=True)
class DemandShift(EventRecord):
    """Training submissions × one factor, inference demand × another, from now on."""

    priority: ClassVar[int] = Priority.CONTROL
    time: float
    training_arrival_factor: float
    inference_demand_factor: float

    def handle(self, ctx: Ctx) -> Follow:
        ctx.model.training_rate *= self.training_arrival_factor
        ctx.model.inference_factor *= self.inference_demand_factor
        return ()


@dataclass(frozen=True, slots=True)
class EfficiencyGain(EventRecord):
    """Jobs submitted from now on need × factor H100 GPU-hours (running ones are unchanged)."""

    priority: ClassVar[int] = Priority.CONTROL
    time: float
    training_work_factor: float

    def handle(self, ctx: Ctx) -> Follow:
        ctx.model.work_factor *= self.training_work_factor
        return ()
