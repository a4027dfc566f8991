"""Suppliers report a job started, completed or failed; buyers cancel. Each report moves the
job along the transition table and carries out its effects in the same transaction:
releasing the reserved GPUs, settling the held price (buyer pays, suppliers are credited, the
platform keeps its fee) or refunding it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from suanli.market.errors import ForbiddenError
from suanli.market.ledger import refund, settle
from suanli.market.lifecycle import Effect, JobEvent
from suanli.market.roles import Role
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.jobs import advance, get_job
from suanli.store.ledger import post
from suanli.store.reservations import release_capacity, reservation_of_job
from suanli.store.tables import JobRow, QuoteLineRow, QuoteRow, ReservationRow

SUPPLIER_EVENTS = (JobEvent.START, JobEvent.COMPLETE, JobEvent.FAIL)


def report(
    *,
    session: Session,
    job_id: str,
    event: JobEvent,
    actor: Principal,
    now: datetime,
    new_id: NewId,
) -> JobRow:
    """Apply `event` (start, complete, fail or cancel) to the job, with its effects."""
    job = get_job(session=session, job_id=job_id, viewer=actor, for_update=True)
    _check_actor(job, event, actor)
    step = advance(session=session, job=job, event=event, now=now)
    reservation = reservation_of_job(session=session, job_id=job.id)
    if reservation is None or not step.effects:
        return job
    lines = list(
        session.scalars(select(QuoteLineRow).where(QuoteLineRow.quote_id == reservation.quote_id))
    )
    if Effect.RELEASE_CAPACITY in step.effects:
        release_capacity(session=session, lines=lines)
        reservation.status, reservation.released_at = "released", now
    if Effect.SETTLE in step.effects:
        _settle(session, job, reservation, lines, now, new_id)
    if Effect.REFUND in step.effects and reservation.total_fen > 0:
        entry = refund(job.buyer_id, reservation.total_fen, job.id)
        post(session=session, entry=entry, now=now, new_id=new_id)
    session.flush()
    return job


def _check_actor(job: JobRow, event: JobEvent, actor: Principal) -> None:
    """Suppliers report start and finish, buyers cancel; operators may do both. (A supplier
    sees only jobs reserved on its pools, so `get_job` already checked whose job it is.)"""
    if actor.role is Role.OPERATOR:
        return
    if event in SUPPLIER_EVENTS and actor.role is not Role.SUPPLIER:
        raise ForbiddenError(f"only the supplier running job {job.id!r} reports {event.value}")
    if event is JobEvent.CANCEL and actor.role is not Role.BUYER:
        raise ForbiddenError(f"only the buyer of job {job.id!r} may cancel it")


def _settle(
    session: Session,
    job: JobRow,
    reservation: ReservationRow,
    lines: list[QuoteLineRow],
    now: datetime,
    new_id: NewId,
) -> None:
    quote = session.get(QuoteRow, reservation.quote_id)
    assert quote is not None
    owed: Counter[str] = Counter()
    for line in lines:
        owed[line.supplier_id] += line.cost_fen
    paid = sorted((supplier, fen) for supplier, fen in owed.items() if fen > 0)
    if paid:
        entry = settle(job.buyer_id, paid, quote.fee_bp, job.id)
        post(session=session, entry=entry, now=now, new_id=new_id)
