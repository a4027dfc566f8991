"""A job's lifecycle as an explicit transition table (after dask's worker state machine).

The status changes only through `transition`, which returns the new status and the effects the
caller must carry out in the same database transaction; it does no I/O itself.

    submitted --quote--> quoted --quote--> quoted --reserve--> reserved --start--> running
    running --complete--> completed        running --fail--> failed    reserved --fail--> failed
    submitted | quoted | reserved --cancel--> cancelled
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from suanli.errors import InvalidTransitionError


class JobStatus(StrEnum):
    SUBMITTED = "submitted"
    QUOTED = "quoted"
    RESERVED = "reserved"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobEvent(StrEnum):
    QUOTE = "quote"
    RESERVE = "reserve"
    START = "start"
    COMPLETE = "complete"
    FAIL = "fail"
    CANCEL = "cancel"


class Effect(StrEnum):
    """What the caller does with a transition."""

    TAKE_CAPACITY = "take_capacity"
    HOLD_FUNDS = "hold_funds"
    RELEASE_CAPACITY = "release_capacity"
    SETTLE = "settle"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Step:
    to: JobStatus
    effects: tuple[Effect, ...] = ()


S, E, X = JobStatus, JobEvent, Effect
_RELEASE_REFUND = (X.RELEASE_CAPACITY, X.REFUND)

TRANSITIONS: Mapping[tuple[JobStatus, JobEvent], Step] = {
    (S.SUBMITTED, E.QUOTE): Step(S.QUOTED),
    (S.QUOTED, E.QUOTE): Step(S.QUOTED),
    (S.QUOTED, E.RESERVE): Step(S.RESERVED, (X.TAKE_CAPACITY, X.HOLD_FUNDS)),
    (S.RESERVED, E.START): Step(S.RUNNING),
    (S.RUNNING, E.COMPLETE): Step(S.COMPLETED, (X.RELEASE_CAPACITY, X.SETTLE)),
    (S.RUNNING, E.FAIL): Step(S.FAILED, _RELEASE_REFUND),
    (S.RESERVED, E.FAIL): Step(S.FAILED, _RELEASE_REFUND),
    (S.SUBMITTED, E.CANCEL): Step(S.CANCELLED),
    (S.QUOTED, E.CANCEL): Step(S.CANCELLED),
    (S.RESERVED, E.CANCEL): Step(S.CANCELLED, _RELEASE_REFUND),
}

TERMINAL = frozenset({S.COMPLETED, S.FAILED, S.CANCELLED})


def allowed_events(status: JobStatus) -> list[JobEvent]:
    return [event for (origin, event) in TRANSITIONS if origin is status]


def transition(status: JobStatus, event: JobEvent) -> Step:
    """The step `event` takes from `status`; `InvalidTransitionError` says what is allowed."""
    step = TRANSITIONS.get((status, event))
    if step is None:
        allowed = ", ".join(e.value for e in allowed_events(status)) or "nothing (it is final)"
        raise InvalidTransitionError(
            f"a {status.value} job cannot {event.value}; from {status.value} it may: {allowed}"
        )
    return step
