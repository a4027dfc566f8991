"""Accept a quote: capacity is re-checked and taken, and the price held, in ONE transaction.

Steps (any failure raises, and the caller's transaction rolls everything back):
1. lock the quote (PostgreSQL `SELECT ... FOR UPDATE`; SQLite holds the write lock from
   `BEGIN IMMEDIATE`); it must be open and unexpired;
2. lock the job and move it quoted -> reserved (`suanli.market.lifecycle`); its other open
   quotes are superseded;
3. take the GPUs of each line, pools in id order, each by a conditional UPDATE that only
   succeeds while `reserved_gpus + gpus <= nodes × gpus_per_node` (a CHECK backs it up);
4. hold each line's price: wallet -> escrow, refused below the wallet's floor;
5. record the reservation (unique per quote and per job) with its start deadline: lines not
   started by `start_by` expire (`suanli.store.job_events.expire_job`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from suanli.errors import CapacityError, ConflictError, NotFoundError, QuoteExpiredError
from suanli.market.lifecycle import JobEvent, LineStatus
from suanli.market.roles import Role
from suanli.market.settlement import LineParty, hold_line
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.jobs import advance, get_job, supplier_job_ids
from suanli.store.ledger import post
from suanli.store.quotes import get_quote, supersede_open_quotes
from suanli.store.tables import PoolRow, QuoteLineRow, QuoteRow, ReservationRow


def reserve(
    *,
    session: Session,
    quote_id: str,
    actor: Principal,
    now: datetime,
    new_id: NewId,
    start_within: timedelta,
) -> ReservationRow:
    """Steps 1–5 of the module docstring; the lines must start within `start_within`."""
    view = get_quote(session=session, quote_id=quote_id, viewer=actor, for_update=True)
    quote = view.quote
    _check_open(quote, now)
    if any(line.cost_fen <= 0 for line in view.lines):  # quoted before lines held a minimum
        raise ConflictError(f"quote {quote.id!r} holds nothing for some GPUs; ask for a new quote")
    job = get_job(session=session, job_id=quote.job_id, viewer=actor, for_update=True)
    advance(session=session, job=job, event=JobEvent.RESERVE, now=now)
    supersede_open_quotes(session=session, job_id=job.id)
    quote.status = "accepted"
    take_capacity(session=session, lines=view.lines)
    for line in view.lines:
        line.status = LineStatus.RESERVED.value
        party = LineParty(quote.buyer_id, line.supplier_id, job.id, line.id)
        post(session=session, entry=hold_line(party, line.cost_fen), now=now, new_id=new_id)
    row = ReservationRow(
        id=new_id("res"),
        quote_id=quote.id,
        job_id=job.id,
        buyer_id=quote.buyer_id,
        status="active",
        total_fen=quote.total_fen,
        created_at=now,
        start_by=now + start_within,
    )
    session.add(row)
    session.flush()
    return row


def _check_open(quote: QuoteRow, now: datetime) -> None:
    if quote.status == "superseded":
        raise ConflictError(
            f"quote {quote.id!r} was superseded: another quote of its job was accepted, or the "
            "job was cancelled"
        )
    if quote.status != "open":
        raise ConflictError(f"quote {quote.id!r} was accepted already; see the job's reservation")
    if quote.expires_at <= now:
        raise QuoteExpiredError(
            f"quote {quote.id!r} expired at {quote.expires_at.isoformat()}; ask for a new quote "
            "for the job"
        )


def _gpus_by_pool(lines: Iterable[QuoteLineRow]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for line in lines:
        counts[line.pool_id] += line.gpus
    return sorted(counts.items())


def take_capacity(*, session: Session, lines: Iterable[QuoteLineRow]) -> None:
    for pool_id, gpus in _gpus_by_pool(lines):
        fits = PoolRow.reserved_gpus + gpus <= PoolRow.nodes * PoolRow.gpus_per_node
        taken = session.execute(
            update(PoolRow)
            .where(PoolRow.id == pool_id, PoolRow.retired.is_(False), fits)
            .values(reserved_gpus=PoolRow.reserved_gpus + gpus)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise CapacityError(_no_room(session, pool_id, gpus))


def _no_room(session: Session, pool_id: str, gpus: int) -> str:
    pool = session.get(PoolRow, pool_id, populate_existing=True)
    if pool is None or pool.retired:
        return f"pool {pool_id!r} was retired; ask for a new quote"
    free = pool.nodes * pool.gpus_per_node - pool.reserved_gpus
    return (
        f"pool {pool_id!r} has {free} GPUs free now, {gpus} are needed; others reserved them "
        "since the quote: ask for a new quote"
    )


def release_capacity(*, session: Session, lines: Iterable[QuoteLineRow]) -> None:
    for pool_id, gpus in _gpus_by_pool(lines):
        session.execute(
            update(PoolRow)
            .where(PoolRow.id == pool_id)
            .values(reserved_gpus=PoolRow.reserved_gpus - gpus)
            .execution_options(synchronize_session=False)
        )


def _visible(query: Select[ReservationRow], viewer: Principal) -> Select[ReservationRow]:
    if viewer.role is Role.BUYER:
        return query.where(ReservationRow.buyer_id == viewer.account_id)
    if viewer.role is Role.SUPPLIER:
        return query.where(ReservationRow.job_id.in_(supplier_job_ids(viewer.account_id)))
    return query


def get_reservation(*, session: Session, reservation_id: str, viewer: Principal) -> ReservationRow:
    query = _visible(select(ReservationRow).where(ReservationRow.id == reservation_id), viewer)
    row = session.scalar(query)
    if row is None:
        raise NotFoundError("reservation", reservation_id)
    return row


def reservation_of_job(*, session: Session, job_id: str) -> ReservationRow | None:
    return session.scalar(select(ReservationRow).where(ReservationRow.job_id == job_id))


def list_reservations(
    *, session: Session, viewer: Principal, limit: int, offset: int
) -> list[ReservationRow]:
    query = _visible(select(ReservationRow), viewer)
    query = query.order_by(ReservationRow.created_at, ReservationRow.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def overdue_jobs(
    *, session: Session, now: datetime, job_ids: Sequence[str] | None = None, limit: int = 100
) -> list[str]:
    """Jobs (among `job_ids`, when given) with lines still reserved past their reservation's
    start deadline, oldest deadline first."""
    query = (
        select(ReservationRow.job_id)
        .join(QuoteLineRow, QuoteLineRow.quote_id == ReservationRow.quote_id)
        .where(
            ReservationRow.status == "active",
            ReservationRow.start_by <= now,
            QuoteLineRow.status == LineStatus.RESERVED.value,
        )
        .group_by(ReservationRow.job_id, ReservationRow.start_by)
        .order_by(ReservationRow.start_by, ReservationRow.job_id)
        .limit(limit)
    )
    if job_ids is not None:
        query = query.where(ReservationRow.job_id.in_(job_ids))
    return list(session.scalars(query))
