"""A job's lifecycle and its lines', as explicit transition tables (after dask's worker state
machine).

A job is quoted and reserved as a whole. Once reserved, each of its quote lines (the GPUs of one
pool: one supplier's share) has a lifecycle of its own, so that a supplier reports, and is paid
or refunded for, only its own lines; the job's status is derived from its lines' (`job_status`).
Statuses change only through `transition` and `line_transition`, which return the new status
and the effects the caller must carry out in the same database transaction; neither does I/O.

    the job, until it is reserved:
        submitted --quote--> quoted --quote--> quoted --reserve--> reserved
        submitted | quoted --cancel--> cancelled
    each line of a reserved job:
        reserved --start--> running --complete--> completed     paid on its bill
        reserved | running --fail--> failed                     the supplier failed: refunded
        reserved --cancel--> cancelled                          the buyer: charged the minimum
        reserved --expire--> expired                            not started by its deadline:
                                                                charged the minimum (no-show)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from suanli.errors import InvalidTransitionError


class JobStatus(StrEnum):
    SUBMITTED = "submitted"
    QUOTED = "quoted"
    RESERVED = "reserved"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class LineStatus(StrEnum):
    QUOTED = "quoted"
    """A line of a quote that was not accepted: it never holds GPUs or money."""
    RESERVED = "reserved"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class JobEvent(StrEnum):
    QUOTE = "quote"
    RESERVE = "reserve"
    START = "start"
    COMPLETE = "complete"
    FAIL = "fail"
    CANCEL = "cancel"
    EXPIRE = "expire"
    """The exchange's own event: a line not started by its reservation's deadline."""


class Effect(StrEnum):
    """What the caller does with a transition."""

    TAKE_CAPACITY = "take_capacity"
    HOLD_FUNDS = "hold_funds"
    RELEASE_CAPACITY = "release_capacity"
    SETTLE = "settle"
    """Charge the line's bill (`suanli.market.billing`), refund the rest of its hold."""
    REFUND = "refund"
    """Refund the line's whole hold."""
    CHARGE_MINIMUM = "charge_minimum"
    """Charge the line's minimum billable amount, refund the rest of its hold."""


T = TypeVar("T", JobStatus, LineStatus)


@dataclass(frozen=True, slots=True)
class Step(Generic[T]):
    to: T
    effects: tuple[Effect, ...] = ()


S, L, E, X = JobStatus, LineStatus, JobEvent, Effect

TRANSITIONS: Mapping[tuple[JobStatus, JobEvent], Step[JobStatus]] = {
    (S.SUBMITTED, E.QUOTE): Step(S.QUOTED),
    (S.QUOTED, E.QUOTE): Step(S.QUOTED),
    (S.QUOTED, E.RESERVE): Step(S.RESERVED, (X.TAKE_CAPACITY, X.HOLD_FUNDS)),
    (S.SUBMITTED, E.CANCEL): Step(S.CANCELLED),
    (S.QUOTED, E.CANCEL): Step(S.CANCELLED),
}
"""The job's own table: everything before its lines take over."""

_RELEASE_MINIMUM = (X.RELEASE_CAPACITY, X.CHARGE_MINIMUM)
LINE_TRANSITIONS: Mapping[tuple[LineStatus, JobEvent], Step[LineStatus]] = {
    (L.RESERVED, E.START): Step(L.RUNNING),
    (L.RUNNING, E.COMPLETE): Step(L.COMPLETED, (X.RELEASE_CAPACITY, X.SETTLE)),
    (L.RUNNING, E.FAIL): Step(L.FAILED, (X.RELEASE_CAPACITY, X.REFUND)),
    (L.RESERVED, E.FAIL): Step(L.FAILED, (X.RELEASE_CAPACITY, X.REFUND)),
    (L.RESERVED, E.CANCEL): Step(L.CANCELLED, _RELEASE_MINIMUM),
    (L.RESERVED, E.EXPIRE): Step(L.EXPIRED, _RELEASE_MINIMUM),
}

TERMINAL = frozenset({S.COMPLETED, S.FAILED, S.CANCELLED, S.EXPIRED})
LINE_TERMINAL = frozenset({L.COMPLETED, L.FAILED, L.CANCELLED, L.EXPIRED})
REPORTED = (E.START, E.COMPLETE, E.FAIL, E.CANCEL)
"""The line events a caller may send; `expire` is the exchange's own."""


def allowed_events(status: JobStatus) -> list[JobEvent]:
    return [event for (origin, event) in TRANSITIONS if origin is status]


def line_events(status: LineStatus) -> list[JobEvent]:
    return [e for (origin, e) in LINE_TRANSITIONS if origin is status and e in REPORTED]


def next_events(status: JobStatus, lines: Iterable[LineStatus]) -> list[JobEvent]:
    """What may be sent for a job next: its own table's events until it is reserved, then any
    event one of its lines may take."""
    if status in (S.SUBMITTED, S.QUOTED):
        return allowed_events(status)
    possible = {e for line in lines for e in line_events(line)}
    return [e for e in REPORTED if e in possible]


def transition(status: JobStatus, event: JobEvent) -> Step[JobStatus]:
    """The step `event` takes from `status`; `InvalidTransitionError` says what is allowed."""
    step = TRANSITIONS.get((status, event))
    if step is None:
        events = allowed_events(status)
        if status in (S.RESERVED, S.RUNNING):  # its lines' events, as the job shows them
            events = line_events(L(status.value))
        raise InvalidTransitionError(
            f"a {status.value} job cannot {event.value}; from {status.value} it may: "
            f"{_listed(events)}"
        )
    return step


def line_transition(
    status: LineStatus, event: JobEvent, line: str = "the line"
) -> Step[LineStatus]:
    """The step `event` takes a line from `status`; `line` names it in the error."""
    step = LINE_TRANSITIONS.get((status, event))
    if step is None:
        raise InvalidTransitionError(
            f"{line} is {status.value}: it cannot {event.value}; from {status.value} it may: "
            f"{_listed(line_events(status))}"
        )
    return step


def _listed(events: list[JobEvent]) -> str:
    return ", ".join(e.value for e in events) or "nothing (it is final)"


def job_status(lines: Iterable[LineStatus]) -> JobStatus:
    """The status of a reserved job from its lines': reserved while every line is; when every
    line is final, their common status (completed, failed, cancelled or expired), `failed` for
    a mix (the job did not run as a whole); running in between."""
    statuses = set(lines)
    if not statuses or statuses == {L.RESERVED}:
        return S.RESERVED
    if not statuses <= LINE_TERMINAL:
        return S.RUNNING
    return JobStatus(statuses.pop().value) if len(statuses) == 1 else S.FAILED
