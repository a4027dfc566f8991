"""Commit one clearing of the call market in ONE transaction (the clearing itself is a pure
function, `suanli.market.clearing.clear`, run by the service on the book read before).

Steps (`commit_clearing`; any error rolls the whole clearing back):
1. lock the clearing's orders (id order); one that changed since the book was read (cancelled,
   or filled by another clearing) takes no trade: its trades fail with `order_changed`;
2. lock the sells' pools (id order, so that reservations committed meanwhile never deadlock
   with it) and read their free GPUs;
3. record the clearing;
4. for each buy with trades, in the book's sequence: the trades that still fit become ONE
   reserved job of kind `market` through the same capacity re-check and hold as an accepted
   quote, the others fail (`suanli.store.fills`);
5. orders take their fills: remaining GPUs and a buy's hold shrink, an order with none left is
   `filled`; each order left (partly) unfilled keeps the reason; immediate-or-cancel orders
   still open are cancelled (a buy's rest refunded);
6. record each product's price, interval and GPUs reserved, and every trade.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from suanli.market.clearing import Clearing, Side, Trade
from suanli.market.orders import CallBook, PoolTerms, StandingOrder
from suanli.store.fills import Fills, FillTerms
from suanli.store.ids import NewId
from suanli.store.orders import close_order
from suanli.store.tables import (
    MarketClearingProductRow,
    MarketClearingRow,
    MarketOrderRow,
    MarketTradeRow,
    PoolRow,
    SiteRow,
)

PARTLY_FILLED = "partly_filled"
__all__ = ["ClearingView", "FillTerms", "OpenBook", "commit_clearing", "read_book"]


@dataclass(frozen=True, slots=True)
class OpenBook:
    """The open orders in sequence, their pools' terms, and the remaining GPUs of each order
    when read (re-checked at commit)."""

    standing: tuple[StandingOrder, ...]
    pools: dict[str, PoolTerms]
    remaining: dict[str, int]


@dataclass(frozen=True, slots=True)
class ClearingView:
    clearing: MarketClearingRow
    products: tuple[MarketClearingProductRow, ...]
    trades: tuple[MarketTradeRow, ...]


def read_book(*, session: Session, product: str | None = None) -> OpenBook:
    """Every open order (of `product`), oldest first, and the terms of the sells' pools in
    service now."""
    query = select(MarketOrderRow).where(MarketOrderRow.status == "open")
    if product is not None:
        query = query.where(MarketOrderRow.product == product)
    rows = list(session.scalars(query.order_by(MarketOrderRow.created_at, MarketOrderRow.id)))
    pool_ids = sorted({r.pool_id for r in rows if r.pool_id is not None})
    pools = session.execute(
        select(PoolRow)
        .join(SiteRow, SiteRow.id == PoolRow.site_id)
        .where(PoolRow.id.in_(pool_ids), PoolRow.retired.is_(False), SiteRow.retired.is_(False))
    ).scalars()
    terms = {
        p.id: PoolTerms(p.nodes * p.gpus_per_node - p.reserved_gpus,
                        p.reserve_price_yuan_per_gpu_hour)
        for p in pools
    }  # fmt: skip
    standing = tuple(
        StandingOrder(
            r.id,
            Side(r.side),
            r.product,
            r.remaining_gpus,
            r.limit_yuan_per_gpu_hour,
            r.all_or_nothing,
            r.pool_id or "",
        )
        for r in rows
    )
    return OpenBook(standing, terms, {r.id: r.remaining_gpus for r in rows})


def commit_clearing(
    *,
    session: Session,
    book: OpenBook,
    call: CallBook,
    outcome: Clearing,
    terms: FillTerms,
    now: datetime,
    new_id: NewId,
) -> ClearingView:
    """Steps 1–6 of the module docstring."""
    orders = _lock_orders(session, book)
    changed = {
        i
        for i, row in orders.items()
        if row.status != "open" or row.remaining_gpus != book.remaining[i]
    }
    free = _lock_pools(session, [orders[o.id].pool_id for o in call.orders if o.side is Side.SELL])
    clearing = MarketClearingRow(
        id=new_id("clr"),
        created_at=now,
        rule=terms.rule.value,
        period_hours=terms.hours,
        orders=len(book.standing),
        unfilled=[],
    )
    session.add(clearing)
    session.flush()
    fill = Fills(session, orders, clearing.id, terms, now, new_id)
    by_buy: dict[str, list[Trade]] = defaultdict(list)
    for trade in outcome.trades:
        by_buy[trade.buy].append(trade)
    for order in call.orders:
        if order.id in by_buy:
            fill.buy(by_buy[order.id], changed, free)
    reasons = _reasons(call, outcome, fill)
    _close_orders(session, orders, book, reasons, fill.reserved, now, new_id)
    clearing.unfilled = [{"order": k, "reason": v} for k, v in reasons.items()]
    products = _products(session, clearing, call, outcome, fill.trades)
    session.flush()
    return ClearingView(clearing, products, tuple(fill.trades))


def _lock_orders(session: Session, book: OpenBook) -> dict[str, MarketOrderRow]:
    ids = sorted(book.remaining)
    query = (
        select(MarketOrderRow)
        .where(MarketOrderRow.id.in_(ids))
        .order_by(MarketOrderRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in session.scalars(query)}


def _lock_pools(session: Session, pool_ids: Sequence[str | None]) -> dict[str, int]:
    """Free GPUs of each pool in service, locked for the transaction."""
    query = (
        select(PoolRow)
        .where(PoolRow.id.in_(sorted({p for p in pool_ids if p is not None})))
        .order_by(PoolRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {
        p.id: 0 if p.retired else p.nodes * p.gpus_per_node - p.reserved_gpus
        for p in session.scalars(query)
    }


def _reasons(call: CallBook, outcome: Clearing, fill: Fills) -> dict[str, str]:
    """Why each order of the clearing is left with GPUs unfilled (step 5)."""
    reasons = dict(call.left_out)
    reasons |= {u.order: str(u.reason) for u in outcome.unfilled}
    for order in call.orders:
        reserved = fill.reserved.get(order.id, 0)
        if order.id in fill.failed:
            reasons[order.id] = fill.failed[order.id]
        elif 0 < reserved < order.quantity:
            reasons[order.id] = PARTLY_FILLED
    return reasons


def _close_orders(
    session: Session,
    orders: dict[str, MarketOrderRow],
    book: OpenBook,
    reasons: dict[str, str],
    reserved: dict[str, int],
    now: datetime,
    new_id: NewId,
) -> None:
    """Step 5."""
    for order_id in book.remaining:
        row = orders[order_id]
        if row.status != "open":
            continue
        taken = reserved.get(order_id, 0)
        if taken:
            row.remaining_gpus -= taken
            row.updated_at = now
        row.last_reason = reasons.get(order_id)
        if row.remaining_gpus == 0:
            close_order(session=session, row=row, status="filled", now=now, new_id=new_id)
        elif row.time_in_force == "ioc":
            close_order(session=session, row=row, status="cancelled", now=now, new_id=new_id)


def _products(
    session: Session,
    clearing: MarketClearingRow,
    call: CallBook,
    outcome: Clearing,
    trades: list[MarketTradeRow],
) -> tuple[MarketClearingProductRow, ...]:
    """Step 6: each product of the clearing, with the GPUs its trades reserved."""
    asked: dict[tuple[str, Side], int] = defaultdict(int)
    for order in call.orders:
        asked[(order.product, order.side)] += int(order.quantity)
    traded: dict[str, int] = defaultdict(int)
    for trade in trades:
        traded[trade.product] += trade.gpus if trade.status == "reserved" else 0
    rows = []
    for name, result in sorted(outcome.products.items()):
        low, high = result.interval if result.interval is not None else (None, None)
        rows.append(
            MarketClearingProductRow(
                clearing_id=clearing.id,
                product=name,
                price=result.price,
                seller_price=result.seller_price,
                traded_gpus=traded[name],
                bid_gpus=asked[(name, Side.BUY)],
                ask_gpus=asked[(name, Side.SELL)],
                interval_low=low,
                interval_high=high,
                method=result.method,
                created_at=clearing.created_at,
            )
        )
    session.add_all(rows)
    return tuple(rows)
