"""The call market: orders to buy or sell whole GPUs for the market period, the clearings that
match them, each clearing's price per product, and its trades. A trade that reserved its GPUs
names the job (kind `market`) and the line it became; one that could not (`capacity_taken`,
`order_changed`) names its reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from suanli.store.tables.base import Base, UtcDateTime

ORDER_STATUSES = "'open', 'filled', 'cancelled'"
TRADE_STATUSES = "'reserved', 'failed'"


class MarketOrderRow(Base):
    """A buy (`pool_id` null) holds `held_fen` in its buyer's escrow for its remaining GPUs; a
    sell names the pool it sells from and holds nothing (`suanli.market.orders`)."""

    __tablename__ = "market_orders"
    __table_args__ = (
        CheckConstraint("side IN ('buy', 'sell')", name="side"),
        CheckConstraint(f"status IN ({ORDER_STATUSES})", name="status"),
        CheckConstraint("time_in_force IN ('gtc', 'ioc')", name="time_in_force"),
        CheckConstraint(
            "gpus > 0 AND remaining_gpus >= 0 AND remaining_gpus <= gpus AND held_fen >= 0",
            name="amounts",
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    side: Mapped[str] = mapped_column(String(8))
    product: Mapped[str] = mapped_column(String(250), index=True)
    pool_id: Mapped[str | None] = mapped_column(ForeignKey("pools.id"), nullable=True, index=True)
    gpus: Mapped[int] = mapped_column(Integer)
    remaining_gpus: Mapped[int] = mapped_column(Integer)
    hours: Mapped[float] = mapped_column(Float)
    limit_yuan_per_gpu_hour: Mapped[float | None] = mapped_column(Float, nullable=True)
    """A sell without a limit asks its pool's reserve at each clearing."""
    all_or_nothing: Mapped[bool] = mapped_column(Boolean)
    time_in_force: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)
    held_fen: Mapped[int] = mapped_column(BigInteger)
    last_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """Why the last clearing it took part in left GPUs of it unfilled."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MarketClearingRow(Base):
    __tablename__ = "market_clearings"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    rule: Mapped[str] = mapped_column(String(16))
    period_hours: Mapped[float] = mapped_column(Float)
    orders: Mapped[int] = mapped_column(Integer)
    unfilled: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """`{"order": id, "reason": why}` for each order left (partly) unfilled."""


class MarketClearingProductRow(Base):
    """One product's result in one clearing; `traded_gpus` counts the GPUs reserved."""

    __tablename__ = "market_clearing_products"

    clearing_id: Mapped[str] = mapped_column(ForeignKey("market_clearings.id"), primary_key=True)
    product: Mapped[str] = mapped_column(String(250), primary_key=True, index=True)
    price: Mapped[float | None] = mapped_column(Float, nullable=True)
    seller_price: Mapped[float | None] = mapped_column(Float, nullable=True)
    traded_gpus: Mapped[int] = mapped_column(Integer)
    bid_gpus: Mapped[int] = mapped_column(Integer)
    ask_gpus: Mapped[int] = mapped_column(Integer)
    interval_low: Mapped[float | None] = mapped_column(Float, nullable=True)
    interval_high: Mapped[float | None] = mapped_column(Float, nullable=True)
    method: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MarketTradeRow(Base):
    __tablename__ = "market_trades"
    __table_args__ = (
        CheckConstraint(f"status IN ({TRADE_STATUSES})", name="status"),
        CheckConstraint("gpus > 0 AND seller_price <= buyer_price", name="terms"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    clearing_id: Mapped[str] = mapped_column(ForeignKey("market_clearings.id"), index=True)
    buy_order_id: Mapped[str] = mapped_column(ForeignKey("market_orders.id"), index=True)
    sell_order_id: Mapped[str] = mapped_column(ForeignKey("market_orders.id"), index=True)
    product: Mapped[str] = mapped_column(String(250))
    gpus: Mapped[int] = mapped_column(Integer)
    buyer_price: Mapped[float] = mapped_column(Float)
    seller_price: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"), nullable=True, index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("quote_lines.id"), nullable=True)
