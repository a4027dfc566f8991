"""Quotes: the price and pools the placement engine proposed for a job, valid until expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from suanli.errors import NotFoundError
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
    rows = [QuoteLineRow(quote_id=quote.id, **vars_of(line)) for line in lines]
    session.add_all(rows)
    session.flush()
    return QuoteView(quote, tuple(rows))


def vars_of(line: QuoteLine) -> dict[str, Any]:
    return {name: getattr(line, name) for name in QuoteLine.__dataclass_fields__}


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
    return QuoteView(quote, _lines(session, [quote.id]).get(quote.id, ()))


def list_quotes(
    *, session: Session, viewer: Principal, job_id: str | None, limit: int, offset: int
) -> list[QuoteView]:
    query = _visible(select(QuoteRow), viewer)
    if job_id is not None:
        query = query.where(QuoteRow.job_id == job_id)
    query = query.order_by(QuoteRow.created_at, QuoteRow.id).limit(limit).offset(offset)
    quotes = list(session.scalars(query))
    lines = _lines(session, [q.id for q in quotes])
    return [QuoteView(q, lines.get(q.id, ())) for q in quotes]


def _lines(session: Session, quote_ids: list[str]) -> dict[str, tuple[QuoteLineRow, ...]]:
    query = select(QuoteLineRow).where(QuoteLineRow.quote_id.in_(quote_ids))
    grouped: dict[str, list[QuoteLineRow]] = {}
    for line in session.scalars(query.order_by(QuoteLineRow.id)):
        grouped.setdefault(line.quote_id, []).append(line)
    return {k: tuple(v) for k, v in grouped.items()}
