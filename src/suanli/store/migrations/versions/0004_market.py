"""The call market: orders, clearings, their prices per product and their trades; jobs may be
of kind 'market' (a filled buy order).

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from suanli.store.tables.base import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'training', 'inference'"


def _set_kinds(condition: str) -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_kind"), condition)


def _orders() -> None:
    op.create_table(
        "market_orders",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("product", sa.String(250), nullable=False),
        sa.Column("pool_id", sa.String(100), sa.ForeignKey("pools.id"), nullable=True),
        sa.Column("gpus", sa.Integer(), nullable=False),
        sa.Column("remaining_gpus", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("limit_yuan_per_gpu_hour", sa.Float(), nullable=True),
        sa.Column("all_or_nothing", sa.Boolean(), nullable=False),
        sa.Column("time_in_force", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("held_fen", sa.BigInteger(), nullable=False),
        sa.Column("last_reason", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("side IN ('buy', 'sell')", name="side"),
        sa.CheckConstraint("status IN ('open', 'filled', 'cancelled')", name="status"),
        sa.CheckConstraint("time_in_force IN ('gtc', 'ioc')", name="time_in_force"),
        sa.CheckConstraint(
            "gpus > 0 AND remaining_gpus >= 0 AND remaining_gpus <= gpus AND held_fen >= 0",
            name="amounts",
        ),
    )
    for column in ("account_id", "product", "pool_id", "status"):
        op.create_index(op.f(f"ix_market_orders_{column}"), "market_orders", [column])


def _clearings() -> None:
    op.create_table(
        "market_clearings",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("period_hours", sa.Float(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("unfilled", sa.JSON(), nullable=False),
    )
    op.create_index(op.f("ix_market_clearings_created_at"), "market_clearings", ["created_at"])
    op.create_table(
        "market_clearing_products",
        sa.Column(
            "clearing_id", sa.String(64), sa.ForeignKey("market_clearings.id"), primary_key=True
        ),
        sa.Column("product", sa.String(250), primary_key=True),
        sa.Column("price", sa.Float(), nullable=True),
        sa.Column("seller_price", sa.Float(), nullable=True),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in ("traded_gpus", "bid_gpus")),
        sa.Column("ask_gpus", sa.Integer(), nullable=False),
        sa.Column("interval_low", sa.Float(), nullable=True),
        sa.Column("interval_high", sa.Float(), nullable=True),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        op.f("ix_market_clearing_products_product"), "market_clearing_products", ["product"]
    )


def _trades() -> None:
    op.create_table(
        "market_trades",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "clearing_id", sa.String(64), sa.ForeignKey("market_clearings.id"), nullable=False
        ),
        *(
            sa.Column(c, sa.String(64), sa.ForeignKey("market_orders.id"), nullable=False)
            for c in ("buy_order_id", "sell_order_id")
        ),
        sa.Column("product", sa.String(250), nullable=False),
        sa.Column("gpus", sa.Integer(), nullable=False),
        sa.Column("buyer_price", sa.Float(), nullable=False),
        sa.Column("seller_price", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("job_id", sa.String(64), sa.ForeignKey("jobs.id"), nullable=True),
        sa.Column("line_id", sa.Integer(), sa.ForeignKey("quote_lines.id"), nullable=True),
        sa.CheckConstraint("status IN ('reserved', 'failed')", name="status"),
        sa.CheckConstraint("gpus > 0 AND seller_price <= buyer_price", name="terms"),
    )
    for column in ("clearing_id", "buy_order_id", "sell_order_id", "job_id"):
        op.create_index(op.f(f"ix_market_trades_{column}"), "market_trades", [column])


def upgrade() -> None:
    _set_kinds(f"kind IN ({KINDS}, 'market')")
    _orders()
    _clearings()
    _trades()


def downgrade() -> None:
    """Refused while market jobs exist: their quotes, lines and ledger entries would be left
    without the orders they came from."""
    bind = op.get_bind()
    jobs = bind.scalar(sa.text("SELECT count(*) FROM jobs WHERE kind = 'market'"))
    if jobs:
        raise RuntimeError(
            f"cannot downgrade below 0004: {jobs} jobs came from market orders; the books need "
            "them, so keep the database at 0004 or later"
        )
    for table in ("market_trades", "market_clearing_products", "market_clearings"):
        op.drop_table(table)
    op.drop_table("market_orders")
    _set_kinds(f"kind IN ({KINDS})")
