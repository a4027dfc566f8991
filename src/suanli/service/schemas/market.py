"""Market orders, clearings and market data as the API takes and returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from suanli.market.clearing import Side
from suanli.market.orders import MIN_PRICE_YUAN_PER_GPU_HOUR
from suanli.service.bodies import MAX_POOL_GPUS
from suanli.service.deps import ID_PATTERN
from suanli.service.schemas.common import Request, yuan
from suanli.store.clearings import ClearingView
from suanli.store.tables import (
    MarketClearingProductRow,
    MarketClearingRow,
    MarketOrderRow,
    MarketTradeRow,
)

Id = Annotated[str, Field(pattern=ID_PATTERN)]
Product = Annotated[
    str,
    Field(
        min_length=3,
        max_length=250,
        pattern=r"^[^@\s]+@[^@]+$",
        description="GPU model @ hub (or @ city, for metro sites), as in GET /v1/market/prices: "
        "e.g. H800@Ningxia.",
    ),
]
TimeInForce = Literal["gtc", "ioc"]
OrderStatus = Literal["open", "filled", "cancelled"]


class OrderCreate(Request):
    """A buy names a product and a limit; a sell names one of your pools (its product is the
    pool's) and may leave the limit out to ask the pool's reserve."""

    side: Annotated[Side, Field(strict=False, description="buy (buyers) or sell (suppliers).")]
    product: Product | None = Field(default=None, description="A buy's product.")
    pool: Id | None = Field(default=None, description="The pool a sell sells from (yours).")
    gpus: int = Field(
        ge=1,
        le=MAX_POOL_GPUS,
        description="Whole GPUs: a buy's most (a partial fill gives fewer GPUs for the same "
        "hours), a sell's most.",
    )
    hours: float | None = Field(
        default=None,
        gt=0,
        description="The market period (the exchange's `market_period_hours`, 24 by default); "
        "leave it out, or send that value.",
    )
    limit_yuan_per_gpu_hour: float | None = Field(
        default=None,
        ge=MIN_PRICE_YUAN_PER_GPU_HOUR,
        le=100_000,
        description="A buy's most per GPU-hour (required); a sell's least, at least its pool's "
        "reserve (default: the reserve at each clearing). The market's least price is one fen.",
    )
    all_or_nothing: bool = Field(
        default=False,
        description="A buy's gang: all its GPUs in one clearing or none (they may come from "
        "several pools of the product, one job line each).",
    )
    time_in_force: TimeInForce = Field(
        default="gtc",
        description="gtc: the order takes part in every clearing until filled or cancelled; "
        "ioc: in the next clearing only, and what it leaves unfilled is cancelled.",
    )

    @field_validator("gpus", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> Any:
        if isinstance(value, float):
            raise PydanticCustomError(
                "whole_gpus",
                "must be a whole number of GPUs written without a decimal point, such as 8; "
                "the market trades whole GPUs",
            )
        return value


class FillPublic(BaseModel):
    clearing_id: str
    gpus: int
    price_yuan_per_gpu_hour: float = Field(
        description="What the order's side pays (a buy) or receives before the fee (a sell)."
    )
    job_id: str = Field(description="The reserved job the GPUs became (kind market).")


class OrderPublic(BaseModel):
    id: str
    account_id: str
    side: Side
    product: str
    pool_id: str | None
    gpus: int
    filled_gpus: int
    remaining_gpus: int
    hours: float
    limit_yuan_per_gpu_hour: float | None = Field(
        description="A sell without one asks its pool's reserve at each clearing."
    )
    all_or_nothing: bool
    time_in_force: TimeInForce
    status: OrderStatus = Field(
        description="open (takes part in the next clearing), filled (every GPU), or cancelled "
        "(by its owner, or an ioc order after its clearing; a buy's rest refunded)."
    )
    held_yuan: float = Field(description="What a buy still holds for its remaining GPUs.")
    last_reason: str | None = Field(
        description="Why the last clearing it took part in left GPUs of it unfilled: "
        "no_counterparty, no_crossing, limit_below_price, limit_above_price, rationed, "
        "trade_reduction, all_or_nothing, partly_filled, capacity_taken, order_changed, "
        "refused, no_free_gpus (a sell whose pool has none free) or pool_retired."
    )
    fills: list[FillPublic]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: MarketOrderRow, trades: list[MarketTradeRow]) -> OrderPublic:
        buy = row.side == Side.BUY.value
        fills = [
            FillPublic(
                clearing_id=t.clearing_id,
                gpus=t.gpus,
                price_yuan_per_gpu_hour=t.buyer_price if buy else t.seller_price,
                job_id=t.job_id,
            )
            for t in trades
            if t.status == "reserved" and t.job_id is not None
        ]
        return cls(
            id=row.id,
            account_id=row.account_id,
            side=Side(row.side),
            product=row.product,
            pool_id=row.pool_id,
            gpus=row.gpus,
            filled_gpus=sum(f.gpus for f in fills),
            remaining_gpus=row.remaining_gpus,
            hours=row.hours,
            limit_yuan_per_gpu_hour=row.limit_yuan_per_gpu_hour,
            all_or_nothing=row.all_or_nothing,
            time_in_force="ioc" if row.time_in_force == "ioc" else "gtc",
            status=_status(row.status),
            held_yuan=yuan(row.held_fen),
            last_reason=row.last_reason,
            fills=fills,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


def _status(status: str) -> OrderStatus:
    if status == "open":
        return "open"
    return "filled" if status == "filled" else "cancelled"


class ProductClearingPublic(BaseModel):
    """One product in one clearing."""

    clearing_id: str
    product: str
    cleared_at: datetime
    method: str = Field(description="uniform, mcafee, or milp (a book with all-or-nothing buys).")
    price_yuan_per_gpu_hour: float | None = Field(
        description="What buyers pay; null when nothing traded."
    )
    seller_price_yuan_per_gpu_hour: float | None = Field(
        description="What sellers receive before the fee (below the price only under McAfee)."
    )
    traded_gpus: int = Field(description="GPUs reserved by the clearing's trades.")
    bid_gpus: int = Field(description="GPUs the buys asked for.")
    ask_gpus: int = Field(description="GPUs the sells offered (at most their pools' free GPUs).")
    interval_yuan_per_gpu_hour: list[float] | None = Field(
        description="The prices at which the allocation clears, [low, high]."
    )

    @classmethod
    def of(cls, row: MarketClearingProductRow) -> ProductClearingPublic:
        interval = None
        if row.interval_low is not None and row.interval_high is not None:
            interval = [row.interval_low, row.interval_high]
        return cls(
            clearing_id=row.clearing_id,
            product=row.product,
            cleared_at=row.created_at,
            method=row.method,
            price_yuan_per_gpu_hour=row.price,
            seller_price_yuan_per_gpu_hour=row.seller_price,
            traded_gpus=row.traded_gpus,
            bid_gpus=row.bid_gpus,
            ask_gpus=row.ask_gpus,
            interval_yuan_per_gpu_hour=interval,
        )


class TradePublic(BaseModel):
    buy_order_id: str
    sell_order_id: str
    product: str
    gpus: int
    buyer_price_yuan_per_gpu_hour: float
    seller_price_yuan_per_gpu_hour: float
    status: Literal["reserved", "failed"]
    reason: str | None = Field(description="Why a failed trade failed (capacity_taken...).")
    job_id: str | None

    @classmethod
    def of(cls, row: MarketTradeRow) -> TradePublic:
        return cls(
            buy_order_id=row.buy_order_id,
            sell_order_id=row.sell_order_id,
            product=row.product,
            gpus=row.gpus,
            buyer_price_yuan_per_gpu_hour=row.buyer_price,
            seller_price_yuan_per_gpu_hour=row.seller_price,
            status="reserved" if row.status == "reserved" else "failed",
            reason=row.reason,
            job_id=row.job_id,
        )


class UnfilledPublic(BaseModel):
    order_id: str
    reason: str


class ClearingPublic(BaseModel):
    id: str
    cleared_at: datetime
    rule: str
    period_hours: float
    orders: int = Field(description="Open orders when the clearing read the book.")
    products: list[ProductClearingPublic]
    trades: list[TradePublic]
    unfilled: list[UnfilledPublic]

    @classmethod
    def of(cls, view: ClearingView) -> ClearingPublic:
        c: MarketClearingRow = view.clearing
        return cls(
            id=c.id,
            cleared_at=c.created_at,
            rule=c.rule,
            period_hours=c.period_hours,
            orders=c.orders,
            products=[ProductClearingPublic.of(p) for p in view.products],
            trades=[TradePublic.of(t) for t in view.trades],
            unfilled=[UnfilledPublic(order_id=u["order"], reason=u["reason"]) for u in c.unfilled],
        )


class ClearOutcome(BaseModel):
    clearing: ClearingPublic | None = Field(
        description="The clearing; null when no order was open (nothing is recorded then)."
    )


class PoolPricePublic(BaseModel):
    pool_id: str
    site_id: str
    gpus: int
    free_gpus: int
    utilization: float = Field(description="Reserved GPUs / GPUs of the pool.")
    reserve_price_yuan_per_gpu_hour: float
    price_yuan_per_gpu_hour: float = Field(
        description="What a quote prices the pool at now (the pricing policy's mode)."
    )


class ProductPricePublic(BaseModel):
    product: str
    last: ProductClearingPublic | None = Field(
        description="The latest clearing in which the product traded; null if it never did."
    )
    pools: list[PoolPricePublic] = Field(description="Its pools in service, priced now.")


class MarketPricesPublic(BaseModel):
    mode: str = Field(description="How quotes are priced: fixed, posted or auction.")
    rule: str = Field(description="How the market clears: uniform or mcafee.")
    period_hours: float = Field(description="What every market order is for.")
    products: list[ProductPricePublic]


class DepthLevelPublic(BaseModel):
    price_yuan_per_gpu_hour: float
    gpus: int
    orders: int


class DepthPublic(BaseModel):
    """Open orders of one product by limit price, as the next clearing would see them (sells
    at no less than their pool's reserve, for at most its free GPUs); never who placed them."""

    product: str
    bids: list[DepthLevelPublic] = Field(description="Buys, highest price first.")
    asks: list[DepthLevelPublic] = Field(description="Sells, lowest price first.")
