"""Quotes: the price and pools the placement engine proposed for a job, valid until expiry.

A quote is `open` until it is accepted, or `superseded` when another quote of its job is accepted
or the job is cancelled; an open quote past its expiry reads `expired` (`status_at`). A supplier
sees only its own lines of a quote, so that no supplier learns another's price."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from suanli.errors import NotFoundError
from suanli.market.lifecycle import LineStatus
from suanli.market.roles import Role
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.tables import JobRow, QuoteLineRow, QuoteRow


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """GPUs of one pool that a quote asks for, and what they cost."""

    pool_id: str
    site_id: str
    supplier_id: str
    gpu_model: str
    gpus: int
    price_yuan_per_gpu_hour: float
    gpu_hours: float
    est_hours: float
    cost_fen: int
    minimum_fen: int


@dataclass(frozen=True, slots=True)
class QuoteView:
    quote: QuoteRow
    lines: tuple[QuoteLineRow, ...]


def save_quote(
    *,
    session: Session,
    job: JobRow,
    lines: list[QuoteLine],
    terms: dict[str, Any],
    now: datetime,
    expires_at: datetime,
    new_id: NewId,
) -> QuoteView:
    """Store a quote; `terms` holds `fee_bp`, `policy` and the `plan` it came from."""
    quote = QuoteRow(
        id=new_id("quo"),
        job_id=job.id,
        buyer_id=job.buyer_id,
        status="open",
        total_fen=sum(line.cost_fen for line in lines),
        fee_bp=terms["fee_bp"],
        policy=terms["policy"],
        plan=terms["plan"],
        created_at=now,
        expires_at=expires_at,
    )
    session.add(quote)
    session.flush()
    quoted = LineStatus.QUOTED.value
    rows = [QuoteLineRow(quote_id=quote.id, status=quoted, **vars_of(line)) for line in lines]
    session.add_all(rows)
    session.flush()
    return QuoteView(quote, tuple(rows))


def vars_of(line: QuoteLine) -> dict[str, Any]:
    return {name: getattr(line, name) for name in QuoteLine.__dataclass_fields__}


def status_at(quote: QuoteRow, now: datetime) -> str:
    """The quote's status as of `now`: an open quote past its expiry is `expired`."""
    return "expired" if quote.status == "open" and quote.expires_at <= now else quote.status


def count_quotes(*, session: Session, job_id: str) -> int:
    return int(session.scalar(select(func.count()).where(QuoteRow.job_id == job_id)) or 0)


def supersede_open_quotes(*, session: Session, job_id: str) -> None:
    """Close the job's open quotes: another was accepted, or the job was cancelled."""
    session.execute(
        update(QuoteRow)
        .where(QuoteRow.job_id == job_id, QuoteRow.status == "open")
        .values(status="superseded")
        .execution_options(synchronize_session=False)
    )


def _visible(query: Select[QuoteRow], viewer: Principal) -> Select[QuoteRow]:
    if viewer.role in (Role.OPERATOR, Role.AUDITOR):
        return query
    if viewer.role is Role.SUPPLIER:
        mine = select(QuoteLineRow.quote_id).where(QuoteLineRow.supplier_id == viewer.account_id)
        return query.where(QuoteRow.id.in_(mine))
    return query.where(QuoteRow.buyer_id == viewer.account_id)


def get_quote(
    *, session: Session, quote_id: str, viewer: Principal, for_update: bool = False
) -> QuoteView:
    query = _visible(select(QuoteRow).where(QuoteRow.id == quote_id), viewer)
    if for_update:
        query = query.with_for_update()
    quote = session.scalar(query.execution_options(populate_existing=True))
    if quote is None:
        raise NotFoundError("quote", quote_id)
    return QuoteView(quote, _lines(session, [quote.id], viewer).get(quote.id, ()))


def list_quotes(
    *, session: Session, viewer: Principal, job_id: str | None, limit: int, offset: int
) -> list[QuoteView]:
    query = _visible(select(QuoteRow), viewer)
    if job_id is not None:
        query = query.where(QuoteRow.job_id == job_id)
    query = query.order_by(QuoteRow.created_at, QuoteRow.id).limit(limit).offset(offset)
    quotes = list(session.scalars(query))
    lines = _lines(session, [q.id for q in quotes], viewer)
    return [QuoteView(q, lines.get(q.id, ())) for q in quotes]


def all_lines(*, session: Session, quote_id: str) -> list[QuoteLineRow]:
    """Every line of a quote, whoever asks (for the exchange's own bookkeeping)."""
    query = select(QuoteLineRow).where(QuoteLineRow.quote_id == quote_id)
    return list(session.scalars(query.order_by(QuoteLineRow.id)))


AnySelect = TypeVar("AnySelect", bound=Select)  # type: ignore[type-arg]


def visible_lines(query: AnySelect, viewer: Principal) -> AnySelect:
    """`query` over quote lines, narrowed to those `viewer` may see: a supplier its own."""
    if viewer.role is Role.SUPPLIER:
        return query.where(QuoteLineRow.supplier_id == viewer.account_id)
    return query


def _lines(
    session: Session, quote_ids: list[str], viewer: Principal
) -> dict[str, tuple[QuoteLineRow, ...]]:
    query = visible_lines(select(QuoteLineRow).where(QuoteLineRow.quote_id.in_(quote_ids)), viewer)
    grouped: dict[str, list[QuoteLineRow]] = {}
    for line in session.scalars(query.order_by(QuoteLineRow.id)):
        grouped.setdefault(line.quote_id, []).append(line)
    return {k: tuple(v) for k, v in grouped.items()}
