"""Jobs, the quotes made for them (one line per pool used), the reservations that accept a
quote, and the bills of closed lines. A job is reserved at most once and a quote accepted at
most once (unique columns); once reserved, each line has its own status
(`suanli.market.lifecycle`) and the job's status is derived from its lines'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from suanli.store.tables.base import Base, UtcDateTime

STATUSES = (
    "'submitted', 'quoted', 'reserved', 'running', 'completed', 'failed', 'cancelled', 'expired'"
)
LINE_STATUSES = "'quoted', 'reserved', 'running', 'completed', 'failed', 'cancelled', 'expired'"
QUOTE_STATUSES = "'open', 'accepted', 'superseded'"
LINE_BASES = "'certified', 'reserved', 'minimum', 'refunded'"
JOB_KINDS = "'training', 'inference', 'market'"
"""A `market` job is a filled buy order (`suanli.store.clearings`): reserved when it is made,
its spec the order; it is never quoted."""


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUSES})", name="status"),
        CheckConstraint(f"kind IN ({JOB_KINDS})", name="kind"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QuoteRow(Base):
    __tablename__ = "quotes"
    __table_args__ = (CheckConstraint(f"status IN ({QUOTE_STATUSES})", name="status"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    fee_bp: Mapped[int] = mapped_column(Integer)
    policy: Mapped[str] = mapped_column(String(32))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QuoteLineRow(Base):
    """GPUs of one pool that a quote asks for; `cost_fen` is what the line holds once reserved,
    never below `minimum_fen` (`suanli.market.billing`)."""

    __tablename__ = "quote_lines"
    __table_args__ = (
        CheckConstraint("gpus > 0 AND cost_fen >= 0", name="positive"),
        CheckConstraint("minimum_fen >= 0 AND minimum_fen <= cost_fen", name="minimum"),
        CheckConstraint(f"status IN ({LINE_STATUSES})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id"), index=True)
    pool_id: Mapped[str] = mapped_column(ForeignKey("pools.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    supplier_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    gpu_model: Mapped[str] = mapped_column(String(50))
    gpus: Mapped[int] = mapped_column(Integer)
    price_yuan_per_gpu_hour: Mapped[float] = mapped_column(Float)
    gpu_hours: Mapped[float] = mapped_column(Float)
    est_hours: Mapped[float] = mapped_column(Float)
    cost_fen: Mapped[int] = mapped_column(BigInteger)
    minimum_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ReservationRow(Base):
    __tablename__ = "reservations"
    __table_args__ = (CheckConstraint("status IN ('active', 'released')", name="status"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id"), unique=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), unique=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    start_by: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    """Lines not started by then expire: their GPUs return to the pool, their holds are
    refunded less the no-show fee."""
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LineBillRow(Base):
    """What a closed line was charged and refunded, and on what basis
    (`suanli.market.billing`); with its site's telemetry audit when it was billed on one."""

    __tablename__ = "line_bills"
    __table_args__ = (
        CheckConstraint(f"basis IN ({LINE_BASES})", name="basis"),
        CheckConstraint(
            "charged_fen >= 0 AND refunded_fen >= 0 AND charged_fen + refunded_fen = reserved_fen",
            name="amounts",
        ),
    )

    line_id: Mapped[int] = mapped_column(ForeignKey("quote_lines.id"), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    basis: Mapped[str] = mapped_column(String(16))
    reserved_fen: Mapped[int] = mapped_column(BigInteger)
    charged_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_fen: Mapped[int] = mapped_column(BigInteger)
    certified_gpu_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    audit: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
