"""The call market: operators clear it (the service also does, every
`market_clear_interval_s` seconds), and everyone with a key reads its prices, its history and
the depth of its book, which never names who placed an order."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from suanli.errors import UnknownNameError
from suanli.market.orders import call_book, depth
from suanli.market.pricing import product_of
from suanli.service.deps import AnyoneDep, ExchangeDep, LimitQuery, OffsetQuery, OperatorDep
from suanli.service.idempotency import IdempotencyDep, respond_once, stored
from suanli.service.market import commit, decide
from suanli.service.quoting import cleared_prices, pool_prices
from suanli.service.schemas.market import (
    ClearingPublic,
    ClearOutcome,
    DepthLevelPublic,
    DepthPublic,
    MarketPricesPublic,
    PoolPricePublic,
    Product,
    ProductClearingPublic,
    ProductPricePublic,
)
from suanli.store.clearings import read_book
from suanli.store.market_data import history, last_traded
from suanli.store.orders import known_products

router = APIRouter(prefix="/v1/market", tags=["market"])


@router.post(
    "/clear",
    response_model=ClearOutcome,
    summary="Clear the market now: every open order at once, each trade reserved as a job "
    "(operators)",
)
def clear_now(exchange: ExchangeDep, principal: OperatorDep, idem: IdempotencyDep) -> object:
    replay = stored(exchange, principal, idem)
    if replay is not None:
        return replay
    with exchange.clearing:
        decided = decide(exchange)

        def action(session: Session) -> ClearOutcome:
            if decided is None:
                return ClearOutcome(clearing=None)
            return ClearOutcome(clearing=ClearingPublic.of(commit(exchange, session, decided)))

        return respond_once(exchange, principal, idem, action, status_code=200)


@router.get("/prices", summary="Each product's last clearing price and every pool's price now")
def prices(exchange: ExchangeDep, _: AnyoneDep) -> MarketPricesPublic:
    with exchange.db.read() as session:
        live = exchange.network.read(session)
        last = last_traded(session=session)
        priced = pool_prices(exchange, live.state, cleared_prices(exchange, session))
    state = live.state
    pools: dict[str, list[PoolPricePublic]] = {}
    for site, pool in state.network.pools():
        used = state.used_gpus.get(pool.id, 0)
        pools.setdefault(product_of(pool.gpu_model, site.hub, site.city), []).append(
            PoolPricePublic(
                pool_id=pool.id,
                site_id=site.id,
                gpus=pool.gpus,
                free_gpus=pool.gpus - used,
                utilization=used / pool.gpus if pool.gpus else 0.0,
                reserve_price_yuan_per_gpu_hour=pool.reserve_price_yuan_per_gpu_hour,
                price_yuan_per_gpu_hour=priced[pool.id],
            )
        )
    products = [
        ProductPricePublic(
            product=name,
            last=ProductClearingPublic.of(last[name]) if name in last else None,
            pools=pools.get(name, []),
        )
        for name in sorted(set(pools) | set(last))
    ]
    return MarketPricesPublic(
        mode=exchange.pricing.mode.value,
        rule=exchange.pricing.auction_rule.value,
        period_hours=exchange.settings.market_period_hours,
        products=products,
    )


@router.get("/history", summary="Clearings over time, newest first: price, volume, interval")
def get_history(
    exchange: ExchangeDep,
    _: AnyoneDep,
    product: Annotated[Product | None, Query()] = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> list[ProductClearingPublic]:
    with exchange.db.read() as session:
        rows = history(session=session, product=product, limit=limit, offset=offset)
    return [ProductClearingPublic.of(row) for row, _ in rows]


@router.get("/depth", summary="Open orders of a product by limit price (never who placed them)")
def get_depth(
    exchange: ExchangeDep, _: AnyoneDep, product: Annotated[Product, Query()]
) -> DepthPublic:
    with exchange.db.read() as session:
        book = read_book(session=session, product=product)
        if not book.standing:
            known = known_products(session=session)
            if product not in known:
                raise UnknownNameError("product", product, known)
    bids, asks = depth(call_book(book.standing, book.pools).orders, product)
    return DepthPublic(
        product=product,
        bids=[DepthLevelPublic(price_yuan_per_gpu_hour=p, gpus=q, orders=n) for p, q, n in bids],
        asks=[DepthLevelPublic(price_yuan_per_gpu_hour=p, gpus=q, orders=n) for p, q, n in asks],
    )
