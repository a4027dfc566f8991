"""The discrete-event kernel every simulation in suanli runs on.

Events are small frozen dataclasses whose `handle(ctx)` returns follow-up events; the `Kernel` runs
them in (time, priority, sequence) order over simulated time with one seeded generator, and can log
every event's `to_dict()`.
"""

from suanli.sim.kernel.context import Context
from suanli.sim.kernel.core import EventLog, Kernel, PastEventError
from suanli.sim.kernel.events import Event, EventRecord, Priority, plain
from suanli.sim.kernel.log import JsonLinesLog

__all__ = [
    "Context",
    "Event",
    "EventLog",
    "EventRecord",
    "JsonLinesLog",
    "Kernel",
    "PastEventError",
    "Priority",
    "plain",
]
