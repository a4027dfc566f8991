"""Suppliers report a job started, completed or failed; buyers cancel. Each report moves the
job along the transition table and carries out its effects in the same transaction:
releasing the reserved GPUs, settling the held price (buyer pays, suppliers are credited, the
platform keeps its fee) or refunding it.

A completed job is billed by `suanli.market.billing`: on the certified GPU-hours of its
telemetry (`usage`, which the caller got from the audit), capped at what it reserved, the rest
refunded; without telemetry on the reserved amount. The bill is kept in `job_bills`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from suanli.errors import ForbiddenError, NotFoundError
from suanli.market.billing import NO_TELEMETRY, Basis, JobUsage, LineTerms, basis_of, charges
from suanli.market.ledger import refund, settle
from suanli.market.lifecycle import Effect, JobEvent
from suanli.market.roles import Role
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.jobs import advance, get_job
from suanli.store.ledger import post
from suanli.store.reservations import release_capacity, reservation_of_job
from suanli.store.tables import JobBillRow, JobRow, QuoteLineRow, QuoteRow, ReservationRow

SUPPLIER_EVENTS = (JobEvent.START, JobEvent.COMPLETE, JobEvent.FAIL)


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
    """Apply `event` (start, complete, fail or cancel) to the job, with its effects; a
    completed job is billed on `usage` (None: no telemetry, billed as reserved)."""
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
        _settle(session, job, reservation, lines, now, new_id, usage)
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
    usage: JobUsage | None,
) -> None:
    """Pay the suppliers what the job is billed, refund the rest of the escrow, keep the bill."""
    quote = session.get(QuoteRow, reservation.quote_id)
    assert quote is not None
    lines = sorted(lines, key=lambda line: line.id)
    terms = [
        LineTerms(line.site_id, line.gpus, line.price_yuan_per_gpu_hour, line.cost_fen)
        for line in lines
    ]
    billed = charges(terms, usage)
    owed: Counter[str] = Counter()
    for line, charge in zip(lines, billed, strict=True):
        owed[line.supplier_id] += charge.charged_fen
    paid = sorted((supplier, fen) for supplier, fen in owed.items() if fen > 0)
    if paid:
        entry = settle(job.buyer_id, paid, quote.fee_bp, job.id)
        post(session=session, entry=entry, now=now, new_id=new_id)
    charged = sum(owed.values())
    unused = reservation.total_fen - charged
    if unused > 0:
        post(session=session, entry=refund(job.buyer_id, unused, job.id), now=now, new_id=new_id)
    basis = basis_of(billed)
    session.add(
        JobBillRow(
            job_id=job.id,
            basis=basis.value,
            reserved_fen=reservation.total_fen,
            charged_fen=charged,
            refunded_fen=max(unused, 0),
            lines=[
                _line(line, charge.charged_fen, charge.certified_gpu_hours)
                for line, charge in zip(lines, billed, strict=True)
            ],
            audit=None if basis is Basis.RESERVED or usage is None else dict(usage.audit),
            created_at=now,
        )
    )


def _line(line: QuoteLineRow, charged_fen: int, certified: float | None) -> dict[str, object]:
    return {
        "pool_id": line.pool_id,
        "site_id": line.site_id,
        "supplier_id": line.supplier_id,
        "gpus": line.gpus,
        "price_yuan_per_gpu_hour": line.price_yuan_per_gpu_hour,
        "reserved_gpu_hours": line.gpu_hours,
        "reserved_fen": line.cost_fen,
        "certified_gpu_hours": certified,
        "charged_fen": charged_fen,
        "note": NO_TELEMETRY if certified is None else "billed on certified GPU-hours",
    }


def bill_of(*, session: Session, job_id: str, viewer: Principal) -> JobBillRow:
    """The bill of a completed job the viewer may see."""
    job = get_job(session=session, job_id=job_id, viewer=viewer)
    bill = session.get(JobBillRow, job.id)
    if bill is None:
        hint = (
            "it completed before the exchange kept bills; see its ledger entries"
            if job.status == "completed"
            else f"a job is billed when it completes; it is {job.status}"
        )
        raise NotFoundError("bill of job", job_id, hint)
    return bill
