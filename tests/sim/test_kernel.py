"""The kernel: order by (time, priority, insertion), follow-ups, until/stop, determinism."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suanli.errors import SuanliError
from suanli.sim.kernel import (
    Context,
    Event,
    EventRecord,
    JsonLinesLog,
    Kernel,
    PastEventError,
    Priority,
)


@dataclass
class Trace:
    """The model of these tests: what ran, in order."""

    seen: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Mark(EventRecord):
    """Records its name; returns the follow-ups it was given."""

    priority: ClassVar[int] = Priority.ARRIVAL
    time: float
    name: str
    then: tuple[Event[Trace], ...] = ()

    def handle(self, ctx: Context[Trace]) -> Iterable[Event[Trace]]:
        ctx.model.seen.append(self.name)
        ctx.model.times.append(ctx.now)
        return self.then


@dataclass(frozen=True, slots=True)
class Finish(Mark):
    priority: ClassVar[int] = Priority.FINISH


@dataclass(frozen=True, slots=True)
class Halt(Mark):
    priority: ClassVar[int] = Priority.CONTROL

    def handle(self, ctx: Context[Trace]) -> Iterable[Event[Trace]]:
        ctx.stop()
        return Mark.handle(self, ctx)


@dataclass(frozen=True, slots=True)
class Wander(EventRecord):
    """A random walk: each step draws its delay and a payload from the kernel's generator."""

    time: float
    step: int
    draw: float = 0.0

    def handle(self, ctx: Context[Trace]) -> Iterable[Event[Trace]]:
        if self.step == 0:
            return ()
        delay, value = ctx.rng.exponential(2.0), ctx.rng.random()
        return (Wander(ctx.now + delay, self.step - 1, value),)


def kernel(*events: Event[Trace], seed: int = 0, log: list[dict[str, object]] | None = None):
    k = Kernel(Trace(), rng=np.random.default_rng(seed), log=None if log is None else log.append)
    k.schedule_all(events)
    return k


def test_events_run_in_time_order_and_the_clock_follows():
    k = kernel(Mark(3.0, "c"), Mark(1.0, "a"), Mark(2.0, "b"))
    assert k.run() == 3
    assert k.ctx.model.seen == ["a", "b", "c"]
    assert k.ctx.model.times == [1.0, 2.0, 3.0]
    assert k.now == 3.0


def test_ties_break_by_priority_then_insertion_order():
    k = kernel(Mark(1.0, "arrive1"), Halt(2.0, "late"), Mark(1.0, "arrive2"))
    k.schedule(Finish(1.0, "finish"))
    k.schedule(Halt(1.0, "control"))
    k.run()
    assert k.ctx.model.seen == ["control"]  # control first, and it stops the run
    k.run()
    assert k.ctx.model.seen == ["control", "finish", "arrive1", "arrive2", "late"]


def test_follow_ups_are_scheduled_and_may_land_at_now():
    later = Mark(5.0, "later")
    same_time = Mark(1.0, "same time", then=(later,))
    k = kernel(Mark(1.0, "first", then=(same_time,)), Mark(1.0, "sibling"))
    k.run()
    assert k.ctx.model.seen == ["first", "sibling", "same time", "later"]


def test_run_until_is_half_open_and_resumable():
    k = kernel(Mark(1.0, "a"), Mark(2.0, "b"), Mark(3.0, "c"))
    assert k.run(until=2.0) == 1
    assert k.now == 2.0 and k.pending == 2 and k.peek() == 2.0
    assert k.run(until=10.0) == 2
    assert k.now == 10.0 and k.peek() == float("inf")
    with pytest.raises(PastEventError, match=r"run\(until=...\) at t=5.0 is earlier than now"):
        k.run(until=5.0)


def test_stop_leaves_the_rest_pending():
    k = kernel(Mark(1.0, "a"), Halt(2.0, "halt", then=(Mark(2.5, "after"),)), Mark(3.0, "c"))
    assert k.run(until=100.0) == 2
    assert k.now == 2.0 and k.pending == 2
    k.run()
    assert k.ctx.model.seen == ["a", "halt", "after", "c"]


@pytest.mark.parametrize("bad", [0.5, float("nan")])
def test_events_before_now_are_rejected(bad):
    k = kernel(Mark(1.0, "a", then=(Mark(bad, "back in time"),)))
    with pytest.raises(PastEventError, match=r"Mark at t=.* is earlier than now \(t=1.0\)"):
        k.run()
    with pytest.raises(PastEventError):
        k.schedule(Mark(bad, "also"))
    k.schedule_all([Mark(2.0, "still"), Mark(2.0, "works")])  # keys stay unique after an error
    k.run()
    assert k.ctx.model.seen == ["a", "still", "works"]
    assert issubclass(PastEventError, SuanliError)


def test_same_seed_gives_the_same_log_byte_for_byte():
    def run(seed: int) -> str:
        out = io.StringIO()
        k = Kernel(Trace(), rng=np.random.default_rng(seed), log=JsonLinesLog(out))
        k.schedule(Wander(0.0, 50))
        k.run()
        return out.getvalue()

    assert run(7) == run(7)
    assert run(7) != run(8)
    lines = run(7).splitlines()
    assert len(lines) == 51
    assert json.loads(lines[1])["event"] == "Wander"


def test_to_dict_names_the_event_its_priority_and_fields():
    inner = Finish(2.0, "inner")
    record = Mark(1.0, "outer", then=(inner,)).to_dict()
    assert record == {
        "event": "Mark",
        "priority": 20,
        "time": 1.0,
        "name": "outer",
        "then": [{"time": 2.0, "name": "inner", "then": []}],
    }
    assert Halt(0.0, "h").to_dict()["priority"] == int(Priority.CONTROL)
    json.dumps(record)  # JSON-ready


def test_the_log_holds_events_in_the_order_they_ran():
    log: list[dict[str, object]] = []
    kernel(Mark(2.0, "b"), Finish(2.0, "a"), log=log).run()
    assert [(r["event"], r["name"]) for r in log] == [("Finish", "a"), ("Mark", "b")]


def test_the_clock_may_start_later_and_only_moves_forward():
    k = Kernel(Trace(), rng=np.random.default_rng(0), start=100.0)
    with pytest.raises(PastEventError, match=r"Mark at t=50\.0 is earlier than now"):
        k.schedule(Mark(50.0, "before the start"))
    k.schedule(Mark(100.0, "at the start"))
    assert (k.run(), k.now) == (1, 100.0)


def test_handlers_can_hand_the_clock_to_core_code():
    k = kernel(Mark(4.0, "a"))
    clock = k.ctx.clock
    k.run()
    assert clock() == 4.0


schedules = st.lists(
    st.tuples(
        st.floats(0, 100, allow_nan=False),
        st.sampled_from([Mark, Finish]),
        st.lists(st.floats(0, 10, allow_nan=False), max_size=3),
    ),
    max_size=40,
)


@given(schedules)
def test_popped_times_never_decrease(schedule):
    k = kernel()
    for time, kind, delays in schedule:
        then = tuple(Mark(time + d, "follow") for d in delays)
        k.schedule(kind(time, "root", then))
    k.run()
    times = k.ctx.model.times
    assert len(times) == sum(1 + len(delays) for _, _, delays in schedule)
    assert times == sorted(times)
