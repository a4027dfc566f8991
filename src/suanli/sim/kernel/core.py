"""The event kernel: a heap keyed by (time, priority, sequence) and one small run loop.

After SimPy's core: the sequence number (insertion order) makes every key unique, so events at the
same time and priority run in the order they were scheduled and two events are never compared;
after Vidur's simulator: the loop pops, sets the clock, handles, and pushes the follow-ups.
Scheduling is inlined in that loop because it is the hot path (bench/sim_kernel.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from heapq import heappop, heappush
from typing import Generic, TypeVar

import numpy as np

from suanli.errors import SuanliError
from suanli.sim.kernel.context import Context
from suanli.sim.kernel.events import Event

M = TypeVar("M")
EventLog = Callable[[dict[str, object]], None]
"""Receives each event's `to_dict()` as it runs: `records.append`, or a `JsonLinesLog`."""


class PastEventError(SuanliError):
    """Something asked for a simulated time before `now` (or NaN): time only moves forward."""

    def __init__(self, what: str, time: float, now: float) -> None:
        super().__init__(
            f"{what} at t={time} is earlier than now (t={now}); simulated time only moves "
            "forward, so schedule follow-ups at or after ctx.now"
        )


class Kernel(Generic[M]):
    """Runs events over a model `M` in (time, priority, sequence) order.

    The kernel owns simulated time (`now`, starting at `start`); handlers get it, the seeded
    generator and the model through `Context`, so the same seed replays byte for byte.
    """

    __slots__ = ("_heap", "_log", "_sequence", "ctx")

    def __init__(
        self,
        model: M,
        *,
        rng: np.random.Generator,
        start: float = 0.0,
        log: EventLog | None = None,
    ) -> None:
        self.ctx = Context(model, rng, start)
        self._heap: list[tuple[float, int, int, Event[M]]] = []
        self._sequence = 0  # insertion counter: the last key part, unique, so events never compare
        self._log = log

    @property
    def now(self) -> float:
        return self.ctx.now

    @property
    def pending(self) -> int:
        """Events scheduled and not yet run."""
        return len(self._heap)

    def peek(self) -> float:
        """Time of the next event, `inf` when none is left."""
        return self._heap[0][0] if self._heap else math.inf

    def schedule(self, event: Event[M]) -> None:
        """Add an event; one before `now` raises `PastEventError`."""
        if not event.time >= self.ctx.now:  # also catches NaN
            raise PastEventError(type(event).__name__, event.time, self.ctx.now)
        self._sequence += 1
        heappush(self._heap, (event.time, event.priority, self._sequence, event))

    def schedule_all(self, events: Iterable[Event[M]]) -> None:
        for event in events:
            self.schedule(event)

    def run(self, until: float | None = None) -> int:
        """Run events before `until` (all when None), or until a handler calls `ctx.stop()`.

        The window is half-open, like SimPy's: an event at exactly `until` waits for the next run,
        and the clock ends at `until`. Returns the number of events run.
        """
        limit = math.inf if until is None else until
        if not limit >= self.ctx.now:
            raise PastEventError("run(until=...)", limit, self.ctx.now)
        heap, ctx, log, sequence = self._heap, self.ctx, self._log, self._sequence
        ctx.stopped = False
        done = 0
        try:
            while heap and heap[0][0] < limit and not ctx.stopped:
                now, _, _, event = heappop(heap)
                ctx.now = now
                if log is not None:
                    log(event.to_dict())
                for follow in event.handle(ctx):  # `schedule`, inlined: the hot path
                    at = follow.time
                    if not at >= now:
                        raise PastEventError(type(follow).__name__, at, now)
                    sequence += 1
                    heappush(heap, (at, follow.priority, sequence, follow))
                done += 1
        finally:
            self._sequence = sequence
        if until is not None and not ctx.stopped:
            ctx.now = until
        return done
