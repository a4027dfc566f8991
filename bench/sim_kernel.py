"""Benchmark: events per second of suanli's kernel against SimPy on the same queueing model.

The model is an M/M/c queue of jobs on a cluster of `servers` GPUs: Poisson arrivals, exponential
run times, FIFO waiting. Each job is three model events (arrive, start, finish) in both kernels, and
both read the same pre-drawn interarrival and run-time streams (two generators spawned from one
seed), so they must produce the same waits; the benchmark checks that before it reports a ratio.
Drawing the numbers up front keeps NumPy's per-call cost, equal in both, out of the kernel figures.

    python bench/sim_kernel.py [--jobs 66667] [--servers 16] [--load 0.9] [--seed 42] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import simpy

from suanli.sim.kernel import Context, Event, EventRecord, Kernel, Priority

TARGET_RATIO = 3.0


@dataclass(frozen=True, slots=True)
class Streams:
    """Interarrival gaps and run times per job, drawn once from the seed."""

    gaps: list[float]
    work: list[float]
    servers: int

    @classmethod
    def draw(cls, jobs: int, servers: int, load: float, seed: int) -> Streams:
        arrivals, runs = np.random.default_rng(seed).spawn(2)
        mean_gap = 1.0 / (load * servers)  # run times have mean 1
        gaps = arrivals.exponential(mean_gap, size=jobs).tolist()
        return cls(gaps=gaps, work=runs.exponential(1.0, size=jobs).tolist(), servers=servers)


@dataclass
class Queue:
    """The model state shared by suanli's events."""

    streams: Streams
    busy: int = 0
    waiting: deque[int] = field(default_factory=deque)
    arrived: list[float] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Arrive(EventRecord):
    priority: ClassVar[int] = Priority.ARRIVAL
    time: float
    job: int

    def handle(self, ctx: Context[Queue]) -> Iterable[Event[Queue]]:
        q, now, job = ctx.model, ctx.now, self.job
        q.arrived[job] = now
        follow: tuple[Event[Queue], ...] = ()
        if job + 1 < len(q.streams.gaps):
            follow = (Arrive(now + q.streams.gaps[job + 1], job + 1),)
        if q.busy < q.streams.servers:
            q.busy += 1
            return (*follow, Start(now, job))
        q.waiting.append(job)
        return follow


@dataclass(frozen=True, slots=True)
class Start(EventRecord):
    priority: ClassVar[int] = Priority.SCHEDULE
    time: float
    job: int

    def handle(self, ctx: Context[Queue]) -> Iterable[Event[Queue]]:
        q, now = ctx.model, ctx.now
        q.waits.append(now - q.arrived[self.job])
        return (Finish(now + q.streams.work[self.job], self.job),)


@dataclass(frozen=True, slots=True)
class Finish(EventRecord):
    priority: ClassVar[int] = Priority.FINISH
    time: float
    job: int

    def handle(self, ctx: Context[Queue]) -> Iterable[Event[Queue]]:
        q = ctx.model
        if q.waiting:
            return (Start(ctx.now, q.waiting.popleft()),)
        q.busy -= 1
        return ()


def run_suanli(streams: Streams) -> tuple[int, list[float], float]:
    """(model events, waits in start order, end time) on suanli's kernel."""
    kernel = Kernel(Queue(streams, arrived=[0.0] * len(streams.gaps)), rng=np.random.default_rng(0))
    kernel.schedule(Arrive(streams.gaps[0], 0))
    events = kernel.run()
    return events, kernel.ctx.model.waits, kernel.now


def run_simpy(streams: Streams) -> tuple[int, list[float], float]:
    """The same model written the SimPy way: a source process and one process per job."""
    env = simpy.Environment()
    gpus = simpy.Resource(env, capacity=streams.servers)
    waits: list[float] = []
    counts = [0]

    def job(index: int) -> Any:
        arrived = env.now
        with gpus.request() as granted:
            yield granted
            waits.append(env.now - arrived)
            yield env.timeout(streams.work[index])
        counts[0] += 3  # arrive, start, finish

    def source() -> Any:
        for index, gap in enumerate(streams.gaps):
            yield env.timeout(gap)
            env.process(job(index))

    env.process(source())
    env.run()
    return counts[0], waits, env.now


Outcome = tuple[int, list[float], float]
KERNELS: dict[str, Callable[[Streams], Outcome]] = {"suanli": run_suanli, "simpy": run_simpy}


def measure(streams: Streams, repeat: int) -> tuple[dict[str, float], Outcome]:
    """Best seconds per kernel over `repeat` rounds, and the outcome both must agree on.

    Rounds alternate the kernels, so a busy machine slows both alike rather than one of them.
    """
    best = dict.fromkeys(KERNELS, float("inf"))
    outcomes: dict[str, Outcome] = {}
    for _ in range(repeat):
        for name, runner in KERNELS.items():
            started = time.perf_counter()
            outcomes[name] = runner(streams)
            best[name] = min(best[name], time.perf_counter() - started)
    if outcomes["suanli"] != outcomes["simpy"]:
        raise SystemExit("the two kernels disagree on the model's outcome; the ratio is void")
    return best, outcomes["suanli"]


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=66_667, help="jobs (3 events each)")
    parser.add_argument("--servers", type=int, default=16, help="GPUs serving the queue")
    parser.add_argument("--load", type=float, default=0.9, help="offered load per GPU, < 1")
    parser.add_argument("--seed", type=int, default=42, help="seed of both random streams")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; each kernel's best is kept")
    return parser.parse_args(argv)


def run(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Run both kernels, check they agree, print and return the figures."""
    args = parse(argv)
    streams = Streams.draw(args.jobs, args.servers, args.load, args.seed)
    seconds, (events, waits, end) = measure(streams, args.repeat)
    rates = {name: events / s for name, s in seconds.items()}
    ratio = rates["suanli"] / rates["simpy"]
    model = f"M/M/{args.servers} queue at load {args.load}"
    print(f"{model}: {args.jobs:,} jobs, {events:,} model events (arrive, start, finish)")
    for name, rate in rates.items():
        print(f"  {name:<13}{rate:12,.0f} events/s  ({seconds[name]:.3f} s, best of {args.repeat})")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"  ratio        {ratio:12.2f} x  ({verdict} the {TARGET_RATIO:g}x target)")
    print(f"  outcome      mean wait {sum(waits) / len(waits):.4f}, end t={end:.3f}, same in both")
    return {
        "suanli_events_per_s": rates["suanli"],
        "simpy_events_per_s": rates["simpy"],
        "ratio": ratio,
    }


if __name__ == "__main__":
    run()
