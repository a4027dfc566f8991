"""The event contract: a time, a same-time priority, `handle` returning follow-ups, `to_dict`.

After Vidur: an event does its work in `handle(ctx)` and returns the events it causes instead of
scheduling them itself, so the kernel stays the only writer of the heap; every event can dump itself
for the trace log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from enum import Enum, IntEnum
from typing import ClassVar, Protocol, TypeVar

import numpy as np

from suanli.sim.kernel.context import Context

M = TypeVar("M")


class Priority(IntEnum):
    """Order of events at the same instant, lowest first.

    Control changes (outage, price change) land before work reacts to them; departures free
    capacity before same-time arrivals ask for it; one scheduling pass then sees every arrival and
    departure of the instant; metrics sample the settled state last. Gaps leave room for more.
    """

    CONTROL = 0
    FINISH = 10
    ARRIVAL = 20
    SCHEDULE = 30
    METRICS = 40


class Event(Protocol[M]):
    """What the kernel needs from an event; frozen dataclasses deriving `EventRecord` fit."""

    @property
    def time(self) -> float: ...

    @property
    def priority(self) -> int: ...

    def handle(self, ctx: Context[M], /) -> Iterable[Event[M]]: ...

    def to_dict(self) -> dict[str, object]: ...


class EventRecord:
    """Mixin for `@dataclass(frozen=True, slots=True)` events: `to_dict` from the fields.

    Subclasses set `priority` as a class variable: same-time order belongs to the event's kind.
    """

    __slots__ = ()
    priority: ClassVar[int] = Priority.ARRIVAL

    def to_dict(self) -> dict[str, object]:
        """`{"event": class name, "priority": int, field: value...}` with JSON-ready values."""
        record: dict[str, object] = {"event": type(self).__name__, "priority": int(self.priority)}
        record.update(_fields(self))
        return record


def _fields(value: object) -> dict[str, object]:
    if not is_dataclass(value):
        raise TypeError(f"{type(value).__name__} is not a dataclass; override to_dict()")
    return {f.name: plain(getattr(value, f.name)) for f in fields(value)}


def plain(value: object) -> object:
    """A JSON-ready copy: dataclasses become dicts, enums and NumPy scalars plain values.

    Anything else becomes `str(value)`; give events that hold such objects their own `to_dict`.
    """
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, np.generic):
        return plain(value.item())
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    return str(value)
