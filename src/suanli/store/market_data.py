"""What the market shows everyone: each product's last traded price, its clearings over time,
and (from `suanli.store.clearings.read_book`) the depth of its open orders. Nothing here names
an account."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suanli.store.tables import MarketClearingProductRow, MarketClearingRow

Row = MarketClearingProductRow


def last_traded(*, session: Session) -> dict[str, MarketClearingProductRow]:
    """Each product's latest clearing in which GPUs were reserved."""
    latest = (
        select(Row.product, func.max(Row.created_at).label("at"))
        .where(Row.traded_gpus > 0)
        .group_by(Row.product)
        .subquery()
    )
    query = (
        select(Row)
        .join(latest, (latest.c.product == Row.product) & (latest.c.at == Row.created_at))
        .where(Row.traded_gpus > 0)
        .order_by(Row.product, Row.clearing_id.desc())
    )
    found: dict[str, MarketClearingProductRow] = {}
    for row in session.scalars(query):
        found.setdefault(row.product, row)
    return found


def history(
    *, session: Session, product: str | None, limit: int, offset: int
) -> list[tuple[MarketClearingProductRow, MarketClearingRow]]:
    """Clearings of `product` (of every product when None), newest first, with their rule."""
    query = select(Row, MarketClearingRow).join(
        MarketClearingRow, MarketClearingRow.id == Row.clearing_id
    )
    if product is not None:
        query = query.where(Row.product == product)
    query = query.order_by(Row.created_at.desc(), Row.clearing_id.desc(), Row.product)
    return [(p, c) for p, c in session.execute(query.limit(limit).offset(offset))]
