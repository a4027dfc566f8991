"""Suppliers report that their lines of a job started, completed or failed; buyers cancel; the
exchange expires lines not started by their deadline. Each report moves lines along the line
table (`suanli.market.lifecycle`) and carries out the effects in the same transaction:
releasing their GPUs, and closing their money (`suanli.market.billing` decides the charge,
`suanli.market.settlement` the entries: the supplier is paid less the platform fee, the rest of
the line's hold is refunded). The job's status is then derived from all its lines'.

Whose lines an event moves: a supplier's own lines of the job; every line for an operator and
for the buyer's cancel (which needs every line still reserved). A completed line is billed on
`usage` (the audit of its site's telemetry, which the caller got first; None: no telemetry,
billed as reserved). Each closed line keeps its bill in `line_bills`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from suanli.errors import ForbiddenError, InvalidTransitionError, NotFoundError
from suanli.market.billing import JobUsage, LineCharge, LineTerms, charges
from suanli.market.lifecycle import (
    LINE_TERMINAL,
    LINE_TRANSITIONS,
    Effect,
    JobEvent,
    JobStatus,
    LineStatus,
    job_status,
    line_transition,
)
from suanli.market.roles import Role
from suanli.market.settlement import LineParty, close_line
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.jobs import advance, get_job, set_status
from suanli.store.ledger import post
from suanli.store.quotes import all_lines, supersede_open_quotes, visible_lines
from suanli.store.reservations import release_capacity, reservation_of_job
from suanli.store.tables import JobRow, LineBillRow, QuoteLineRow, QuoteRow, ReservationRow

SUPPLIER_EVENTS = (JobEvent.START, JobEvent.COMPLETE, JobEvent.FAIL)
CLOSING = (Effect.SETTLE, Effect.REFUND, Effect.CHARGE_MINIMUM)


def report(
    *,
    session: Session,
    job_id: str,
    event: JobEvent,
    actor: Principal,
    now: datetime,
    new_id: NewId,
    usage: JobUsage | None = None,
) -> JobRow:
    """Apply `event` (start, complete, fail or cancel) to the actor's lines of the job, with
    their effects (module docstring)."""
    job = get_job(session=session, job_id=job_id, viewer=actor, for_update=True)
    _check_role(job, event, actor)
    reservation = reservation_of_job(session=session, job_id=job.id)
    lines = [] if reservation is None else all_lines(session=session, quote_id=reservation.quote_id)
    if reservation is not None:
        _expire_overdue(session, job, reservation, lines, now, new_id)
    if reservation is None or JobStatus(job.status) not in (JobStatus.RESERVED, JobStatus.RUNNING):
        advance(session=session, job=job, event=event, now=now)  # refuses what it cannot do
        if event is JobEvent.CANCEL:
            supersede_open_quotes(session=session, job_id=job.id)
        return job
    moving = _lines_moved(job, lines, event, actor)
    _apply(session, job, reservation, lines, moving, event, now, new_id, usage)
    return job


def expire_job(*, session: Session, job_id: str, now: datetime, new_id: NewId) -> JobRow | None:
    """Expire the job's lines still reserved past its start deadline (the no-show); None when
    the job has no reservation."""
    reservation = reservation_of_job(session=session, job_id=job_id)
    if reservation is None:
        return None
    job = session.get(JobRow, job_id, with_for_update=True, populate_existing=True)
    assert job is not None, "a reservation's job exists (foreign key)"
    lines = all_lines(session=session, quote_id=reservation.quote_id)
    _expire_overdue(session, job, reservation, lines, now, new_id)
    return job


def _expire_overdue(
    session: Session,
    job: JobRow,
    reservation: ReservationRow,
    lines: list[QuoteLineRow],
    now: datetime,
    new_id: NewId,
) -> None:
    if reservation.start_by > now:
        return
    due = [line for line in lines if line.status == LineStatus.RESERVED.value]
    if due:
        _apply(session, job, reservation, lines, due, JobEvent.EXPIRE, now, new_id, None)


def _check_role(job: JobRow, event: JobEvent, actor: Principal) -> None:
    """Suppliers report start and finish, buyers cancel; operators may do both. (A supplier
    sees only jobs reserved on its pools, so `get_job` already checked it has a line.)"""
    if actor.role is Role.OPERATOR:
        return
    if event in SUPPLIER_EVENTS and actor.role is not Role.SUPPLIER:
        raise ForbiddenError(f"only the supplier running job {job.id!r} reports {event.value}")
    if event is JobEvent.CANCEL and actor.role is not Role.BUYER:
        raise ForbiddenError(f"only the buyer of job {job.id!r} may cancel it")


def _lines_moved(
    job: JobRow, lines: list[QuoteLineRow], event: JobEvent, actor: Principal
) -> list[QuoteLineRow]:
    """The lines `event` moves for `actor`; refused when there is none."""
    if event is JobEvent.CANCEL and actor.role is not Role.OPERATOR:
        started = [line for line in lines if line.status != LineStatus.RESERVED.value]
        if started:
            raise InvalidTransitionError(
                f"job {job.id!r} started on {len(started)} of its {len(lines)} lines, so it can "
                "no longer be cancelled; its suppliers report those lines completed or failed"
            )
    mine = [
        x for x in lines if actor.role is not Role.SUPPLIER or x.supplier_id == actor.account_id
    ]
    moving = [line for line in mine if (LineStatus(line.status), event) in LINE_TRANSITIONS]
    if not moving:
        first = mine[0] if mine else lines[0]
        line_transition(LineStatus(first.status), event, f"line {first.id} of job {job.id!r}")
    return moving


def _apply(
    session: Session,
    job: JobRow,
    reservation: ReservationRow,
    lines: list[QuoteLineRow],
    moving: list[QuoteLineRow],
    event: JobEvent,
    now: datetime,
    new_id: NewId,
    usage: JobUsage | None,
) -> None:
    """Move `moving` (some of the job's `lines`) by `event`, with the effects, then derive the
    job's status; the reservation is released once every line is final."""
    steps = [(line, line_transition(LineStatus(line.status), event)) for line in moving]
    released = [line for line, step in steps if Effect.RELEASE_CAPACITY in step.effects]
    release_capacity(session=session, lines=released)
    for effect in CLOSING:
        closing = [line for line, step in steps if effect in step.effects]
        if closing:
            _close(session, job, closing, effect, now, new_id, usage)
    for line, step in steps:
        line.status = step.to.value
        line.started_at = now if event is JobEvent.START else line.started_at
        line.ended_at = now if step.to in LINE_TERMINAL else line.ended_at
    statuses = [LineStatus(line.status) for line in lines]
    set_status(session=session, job=job, to=job_status(statuses), now=now)
    if all(s in LINE_TERMINAL for s in statuses):
        reservation.status, reservation.released_at = "released", now
    session.flush()


def _close(
    session: Session,
    job: JobRow,
    lines: Sequence[QuoteLineRow],
    effect: Effect,
    now: datetime,
    new_id: NewId,
    usage: JobUsage | None,
) -> None:
    """Charge each line what billing says, post its entries and keep its bill."""
    quote = session.get(QuoteRow, lines[0].quote_id)
    assert quote is not None, "a line's quote exists (foreign key)"
    terms = [
        LineTerms(x.site_id, x.gpus, x.price_yuan_per_gpu_hour, x.cost_fen, x.minimum_fen)
        for x in lines
    ]
    for line, charge in zip(lines, charges(effect, terms, usage), strict=True):
        party = LineParty(job.buyer_id, line.supplier_id, job.id, line.id)
        for entry in close_line(party, line.cost_fen, charge.charged_fen, quote.fee_bp):
            post(session=session, entry=entry, now=now, new_id=new_id)
        session.add(_bill(job, line, charge, usage, now))


def _bill(
    job: JobRow, line: QuoteLineRow, charge: LineCharge, usage: JobUsage | None, now: datetime
) -> LineBillRow:
    audit = usage.audits.get(line.site_id) if usage is not None else None
    return LineBillRow(
        line_id=line.id,
        job_id=job.id,
        basis=charge.basis.value,
        reserved_fen=line.cost_fen,
        charged_fen=charge.charged_fen,
        refunded_fen=line.cost_fen - charge.charged_fen,
        certified_gpu_hours=charge.certified_gpu_hours,
        audit=None if audit is None else dict(audit),
        created_at=now,
    )


def bills_of(
    *, session: Session, job: JobRow, viewer: Principal
) -> list[tuple[QuoteLineRow, LineBillRow]]:
    """The bills of the job's closed lines that the viewer (who may see the job) may see: a
    supplier its own."""
    query = (
        select(QuoteLineRow, LineBillRow)
        .join(LineBillRow, LineBillRow.line_id == QuoteLineRow.id)
        .where(LineBillRow.job_id == job.id)
        .order_by(QuoteLineRow.id)
    )
    rows = [(line, bill) for line, bill in session.execute(visible_lines(query, viewer))]
    if not rows:
        hint = f"a job's lines are billed as they close; none of this job's has ({job.status})"
        raise NotFoundError("bill of job", job.id, hint)
    return rows
