"""Market orders: place, read, cancel (the money rules are `suanli.market.orders`).

A buy names a product and holds its most (its GPUs × hours × limit, rounded up per GPU) from
the buyer's wallet when it is placed, refused below the wallet's floor like a reservation; a
sell names one of its supplier's pools, whose product it sells, and holds nothing. An order is
`open` until its GPUs are all filled (`filled`) or it is cancelled (`cancelled`: a buy's hold is
refunded then, whatever it still holds). Who sees an order: its owner, operators, auditors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from suanli.errors import (
    ForbiddenError,
    InvalidTransitionError,
    InvalidValueError,
    NotFoundError,
    UnknownNameError,
)
from suanli.market.clearing import Side
from suanli.market.orders import order_hold, order_hold_fen, order_refund
from suanli.market.pricing import product_of
from suanli.market.roles import Role
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.ledger import post
from suanli.store.network_read import get_pool, get_site
from suanli.store.tables import MarketOrderRow, MarketTradeRow, PoolRow, SiteRow


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """What an order asks for; `product` for a buy, `pool_id` for a sell."""

    side: Side
    gpus: int
    hours: float
    limit_yuan_per_gpu_hour: float | None
    product: str = ""
    pool_id: str = ""
    all_or_nothing: bool = False
    time_in_force: str = "gtc"


def known_products(*, session: Session) -> list[str]:
    """The products of the pools in service, sorted."""
    query = (
        select(PoolRow.gpu_model, SiteRow.hub, SiteRow.city)
        .join(SiteRow, SiteRow.id == PoolRow.site_id)
        .where(PoolRow.retired.is_(False), SiteRow.retired.is_(False))
    )
    return sorted({product_of(model, hub, city) for model, hub, city in session.execute(query)})


def check_product(*, session: Session, product: str) -> None:
    known = known_products(session=session)
    if product not in known:
        raise UnknownNameError("product (GPU model@hub, or @city for metro sites)", product, known)


def place_order(
    *,
    session: Session,
    terms: OrderTerms,
    owner: Principal,
    now: datetime,
    new_id: NewId,
    min_gpu_hours: float,
) -> MarketOrderRow:
    """Insert the order; a buy's hold is posted in the same transaction."""
    row = MarketOrderRow(
        id=new_id("ord"),
        account_id=owner.account_id,
        side=terms.side.value,
        gpus=terms.gpus,
        remaining_gpus=terms.gpus,
        hours=terms.hours,
        limit_yuan_per_gpu_hour=terms.limit_yuan_per_gpu_hour,
        all_or_nothing=terms.all_or_nothing,
        time_in_force=terms.time_in_force,
        status="open",
        held_fen=0,
        created_at=now,
        updated_at=now,
    )
    if terms.side is Side.BUY:
        check_product(session=session, product=terms.product)
        assert terms.limit_yuan_per_gpu_hour is not None, "a buy's limit is required (schema)"
        row.product = terms.product
        row.held_fen = order_hold_fen(
            terms.gpus, terms.hours, terms.limit_yuan_per_gpu_hour, min_gpu_hours
        )
    else:
        row.pool_id, row.product = terms.pool_id, _sell_product(session, terms, owner)
    session.add(row)
    session.flush()
    if row.held_fen:
        post(session=session, entry=order_hold(row.account_id, row.id, row.held_fen), now=now,
             new_id=new_id)  # fmt: skip
    return row


def _sell_product(session: Session, terms: OrderTerms, owner: Principal) -> str:
    """The product of the sell's pool, which must be the owner's, hold the GPUs and be asked
    at no less than its reserve."""
    pool = get_pool(session=session, pool_id=terms.pool_id)
    site = get_site(session=session, site_id=pool.site_id)
    if owner.role is not Role.OPERATOR and site.owner_id != owner.account_id:
        raise ForbiddenError(
            f"pool {pool.id!r} belongs to another supplier; sell only your own pools "
            "(GET /v1/sites lists every site and its owner)"
        )
    size = pool.nodes * pool.gpus_per_node
    if terms.gpus > size:
        raise InvalidValueError(
            f"pool {pool.id!r} has {size} GPUs, so a sell of it offers at most {size}; "
            f"got {terms.gpus}"
        )
    reserve = pool.reserve_price_yuan_per_gpu_hour
    limit = terms.limit_yuan_per_gpu_hour
    if limit is not None and limit < reserve:
        raise InvalidValueError(
            f"limit_yuan_per_gpu_hour {limit:g} is below pool {pool.id!r}'s reserve price of "
            f"{reserve:g} yuan per GPU-hour; ask at least the reserve, or leave the limit out "
            "to ask the reserve"
        )
    return product_of(pool.gpu_model, site.hub, site.city)


def _visible(query: Select[MarketOrderRow], viewer: Principal) -> Select[MarketOrderRow]:
    if viewer.role in (Role.OPERATOR, Role.AUDITOR):
        return query
    return query.where(MarketOrderRow.account_id == viewer.account_id)


def get_order(
    *, session: Session, order_id: str, viewer: Principal, for_update: bool = False
) -> MarketOrderRow:
    query = _visible(select(MarketOrderRow).where(MarketOrderRow.id == order_id), viewer)
    if for_update:
        query = query.with_for_update()
    row = session.scalar(query.execution_options(populate_existing=True))
    if row is None:
        raise NotFoundError("order", order_id, "GET /v1/orders lists yours")
    return row


def list_orders(
    *,
    session: Session,
    viewer: Principal,
    status: str | None,
    side: Side | None,
    product: str | None,
    limit: int,
    offset: int,
) -> list[MarketOrderRow]:
    query = _visible(select(MarketOrderRow), viewer)
    if status is not None:
        query = query.where(MarketOrderRow.status == status)
    if side is not None:
        query = query.where(MarketOrderRow.side == side.value)
    if product is not None:
        query = query.where(MarketOrderRow.product == product)
    query = query.order_by(MarketOrderRow.created_at, MarketOrderRow.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def cancel_order(
    *, session: Session, order_id: str, actor: Principal, now: datetime, new_id: NewId
) -> MarketOrderRow:
    """Close an open order and refund what a buy still holds; a cancelled order is answered as
    it is (nothing changes), a filled one is refused: its GPUs are jobs now."""
    row = get_order(session=session, order_id=order_id, viewer=actor, for_update=True)
    if actor.role is Role.AUDITOR:
        raise ForbiddenError("auditors read orders; only their owner or an operator cancels one")
    if row.status == "cancelled":
        return row
    if row.status == "filled":
        raise InvalidTransitionError(
            f"order {row.id!r} is filled: its GPUs are reserved as the jobs its fills name; "
            "cancel those jobs instead (POST /v1/jobs/{id}/cancel)"
        )
    close_order(session=session, row=row, status="cancelled", now=now, new_id=new_id)
    return row


def close_order(
    *, session: Session, row: MarketOrderRow, status: str, now: datetime, new_id: NewId
) -> None:
    """Move an open order to `status` (filled or cancelled), refunding what it still holds."""
    if row.held_fen:
        why = "cancelled, rest refunded" if status == "cancelled" else "closed, rest refunded"
        entry = order_refund(row.account_id, row.id, row.held_fen, why)
        post(session=session, entry=entry, now=now, new_id=new_id)
    row.status, row.held_fen, row.updated_at = status, 0, now
    session.flush()


def trades_of(*, session: Session, order_ids: Sequence[str]) -> dict[str, list[MarketTradeRow]]:
    """Every trade each order took part in (reserved or failed), oldest first."""
    grouped: dict[str, list[MarketTradeRow]] = {order_id: [] for order_id in order_ids}
    query = select(MarketTradeRow).where(
        MarketTradeRow.buy_order_id.in_(order_ids) | MarketTradeRow.sell_order_id.in_(order_ids)
    )
    for trade in session.scalars(query.order_by(MarketTradeRow.id)):
        for order_id in (trade.buy_order_id, trade.sell_order_id):
            if order_id in grouped:
                grouped[order_id].append(trade)
    return grouped
