"""Bills of completed jobs: certified GPU-hours from telemetry, or the reserved amount.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from suanli.store.tables.base import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_bills",
        sa.Column("job_id", sa.String(64), sa.ForeignKey("jobs.id"), primary_key=True),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("reserved_fen", sa.BigInteger(), nullable=False),
        sa.Column("charged_fen", sa.BigInteger(), nullable=False),
        sa.Column("refunded_fen", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("audit", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("basis IN ('certified', 'partly_certified', 'reserved')", name="basis"),
        sa.CheckConstraint(
            "charged_fen >= 0 AND refunded_fen >= 0 AND charged_fen + refunded_fen = reserved_fen",
            name="amounts",
        ),
    )


def downgrade() -> None:
    op.drop_table("job_bills")
