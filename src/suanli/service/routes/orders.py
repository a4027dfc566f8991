"""Market orders: buyers bid for whole GPUs of a product for the market period, suppliers offer
GPUs of their pools; the call market clears them all at once (`suanli.service.market`). A buy
holds its most from the wallet until it fills or is cancelled; each fill becomes a reserved job
(kind `market`) that lives the usual line lifecycle."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from suanli.errors import ForbiddenError
from suanli.market.clearing import Side
from suanli.market.roles import Role
from suanli.service.bodies import fail
from suanli.service.deps import (
    ActorDep,
    AnyoneDep,
    ExchangeDep,
    IdPath,
    LimitQuery,
    OffsetQuery,
)
from suanli.service.idempotency import IdempotencyDep, respond_once
from suanli.service.schemas.market import OrderCreate, OrderPublic, OrderStatus, Product
from suanli.store import orders as repo
from suanli.store.accounts import Principal
from suanli.store.orders import OrderTerms
from suanli.store.tables import MarketOrderRow

router = APIRouter(prefix="/v1/orders", tags=["market"])
SIDE_ROLES = {Side.BUY: Role.BUYER, Side.SELL: Role.SUPPLIER}


def order_terms(body: OrderCreate, principal: Principal, period_hours: float) -> OrderTerms:
    """The order's terms, or a 422 naming the field to fix (a 403 for the wrong role)."""
    role = SIDE_ROLES[body.side]
    if principal.role not in (role, Role.OPERATOR):
        raise ForbiddenError(f"a {principal.role.value} may not {body.side.value}; it needs: "
                             f"{role.value} or operator")  # fmt: skip
    if body.hours is not None and body.hours != period_hours:
        raise fail("body.hours", f"every order is for the market period of {period_hours:g} "
                   f"hours; leave hours out or send {period_hours:g}")  # fmt: skip
    if body.side is Side.BUY:
        if body.pool is not None:
            raise fail("body.pool", "a buy names a product, not a pool; remove pool")
        if body.product is None:
            raise fail("body.product", "a buy needs a product (GET /v1/market/prices lists them)")
        if body.limit_yuan_per_gpu_hour is None:
            raise fail("body.limit_yuan_per_gpu_hour", "a buy needs its most per GPU-hour")
    else:
        if body.product is not None:
            raise fail("body.product", "a sell's product is its pool's; remove product")
        if body.pool is None:
            raise fail("body.pool", "a sell names the pool it sells from (one of yours)")
        if body.all_or_nothing:
            raise fail("body.all_or_nothing", "only a buy is all or nothing; remove it")
    return OrderTerms(
        side=body.side,
        gpus=body.gpus,
        hours=period_hours,
        limit_yuan_per_gpu_hour=body.limit_yuan_per_gpu_hour,
        product=body.product or "",
        pool_id=body.pool or "",
        all_or_nothing=body.all_or_nothing,
        time_in_force=body.time_in_force,
    )


def order_public(session: Session, row: MarketOrderRow) -> OrderPublic:
    return OrderPublic.of(row, repo.trades_of(session=session, order_ids=[row.id])[row.id])


@router.post(
    "",
    status_code=201,
    response_model=OrderPublic,
    summary="Place an order: buy GPUs of a product (buyers; holds GPUs × hours × limit from "
    "your wallet) or sell GPUs of your pool (suppliers)",
)
def create_order(
    body: OrderCreate, exchange: ExchangeDep, principal: ActorDep, idem: IdempotencyDep
) -> object:
    terms = order_terms(body, principal, exchange.settings.market_period_hours)

    def action(session: Session) -> OrderPublic:
        row = repo.place_order(
            session=session,
            terms=terms,
            owner=principal,
            now=exchange.clock(),
            new_id=exchange.new_id,
            min_gpu_hours=exchange.settings.min_billable_gpu_hours,
        )
        return OrderPublic.of(row, [])

    return respond_once(exchange, principal, idem, action)


@router.get("", summary="Orders the caller may see (your own; operators and auditors: all)")
def list_orders(
    exchange: ExchangeDep,
    principal: AnyoneDep,
    status: OrderStatus | None = None,
    side: Side | None = None,
    product: Annotated[Product | None, Query()] = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> list[OrderPublic]:
    with exchange.db.read() as session:
        rows = repo.list_orders(
            session=session,
            viewer=principal,
            status=status,
            side=side,
            product=product,
            limit=limit,
            offset=offset,
        )
        trades = repo.trades_of(session=session, order_ids=[r.id for r in rows])
        return [OrderPublic.of(r, trades[r.id]) for r in rows]


@router.get("/{order_id}", summary="An order, its fills and why the rest is not filled")
def get_order(order_id: IdPath, exchange: ExchangeDep, principal: AnyoneDep) -> OrderPublic:
    with exchange.db.read() as session:
        row = repo.get_order(session=session, order_id=order_id, viewer=principal)
        return order_public(session, row)


@router.post(
    "/{order_id}/cancel",
    response_model=OrderPublic,
    summary="Cancel an open order: a buy's hold for its remaining GPUs is refunded (its "
    "owner); cancelling a cancelled order changes nothing, a filled one is refused",
)
def cancel_order(
    order_id: IdPath, exchange: ExchangeDep, principal: ActorDep, idem: IdempotencyDep
) -> object:
    def action(session: Session) -> OrderPublic:
        row = repo.cancel_order(
            session=session,
            order_id=order_id,
            actor=principal,
            now=exchange.clock(),
            new_id=exchange.new_id,
        )
        return order_public(session, row)

    return respond_once(exchange, principal, idem, action, status_code=200)
