"""Each quote line of a reserved job has its own lifecycle and bill; reservations have a start
deadline; lines hold at least a minimum; quotes may be superseded and jobs may expire.

- quote_lines: status (from the job's status for accepted quotes, else 'quoted'), minimum_fen
  (0 for lines quoted before minimums existed), started_at, ended_at;
- reservations: start_by (created_at + 1 hour for reservations made before deadlines existed);
- ledger_entries: line_id (null for entries made before lines had their own entries);
- line_bills replaces job_bills: each billed line of a completed job keeps its charge.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from suanli.store.tables.base import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOB_STATUSES = "'submitted', 'quoted', 'reserved', 'running', 'completed', 'failed', 'cancelled'"
LINE_STATUSES = "'quoted', 'reserved', 'running', 'completed', 'failed', 'cancelled', 'expired'"
LEGACY_DEADLINE = timedelta(hours=1)


def _replace_check(table: str, name: str, condition: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)


def _line_columns() -> None:
    with op.batch_alter_table("quote_lines") as batch:
        batch.add_column(sa.Column("minimum_fen", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("started_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("ended_at", UtcDateTime(), nullable=True))
    op.execute("UPDATE quote_lines SET minimum_fen = 0, status = 'quoted'")
    op.execute(
        "UPDATE quote_lines SET status = (SELECT jobs.status FROM quotes JOIN jobs ON "
        "jobs.id = quotes.job_id WHERE quotes.id = quote_lines.quote_id) WHERE quote_id IN "
        "(SELECT id FROM quotes WHERE status = 'accepted')"
    )
    with op.batch_alter_table("quote_lines") as batch:
        batch.alter_column("minimum_fen", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("status", existing_type=sa.String(16), nullable=False)
        batch.create_check_constraint(
            op.f("ck_quote_lines_minimum"), "minimum_fen >= 0 AND minimum_fen <= cost_fen"
        )
        batch.create_check_constraint(op.f("ck_quote_lines_status"), f"status IN ({LINE_STATUSES})")
        batch.create_index(op.f("ix_quote_lines_status"), ["status"])


def _reservation_deadline() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(sa.Column("start_by", UtcDateTime(), nullable=True))
    bind = op.get_bind()
    table = sa.table(
        "reservations", sa.column("id", sa.String()), sa.column("created_at", UtcDateTime())
    )
    rows = list(bind.execute(sa.select(table.c.id, table.c.created_at)))
    deadline = sa.table("reservations", sa.column("id"), sa.column("start_by", UtcDateTime()))
    for ident, created in rows:
        bind.execute(
            deadline.update()
            .where(deadline.c.id == ident)
            .values(start_by=created + LEGACY_DEADLINE)
        )
    with op.batch_alter_table("reservations") as batch:
        batch.alter_column("start_by", existing_type=UtcDateTime(), nullable=False)
        batch.create_index(op.f("ix_reservations_start_by"), ["start_by"])


def _entry_lines() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.add_column(sa.Column("line_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_ledger_entries_line_id_quote_lines"), "quote_lines", ["line_id"], ["id"]
        )
        batch.create_index(op.f("ix_ledger_entries_line_id"), ["line_id"])


def _line_bills() -> None:
    op.create_table(
        "line_bills",
        sa.Column("line_id", sa.Integer(), sa.ForeignKey("quote_lines.id"), primary_key=True),
        sa.Column("job_id", sa.String(64), sa.ForeignKey("jobs.id"), nullable=False),
        sa.Column("basis", sa.String(16), nullable=False),
        *(
            sa.Column(c, sa.BigInteger(), nullable=False)
            for c in ("reserved_fen", "charged_fen", "refunded_fen")
        ),
        sa.Column("certified_gpu_hours", sa.Float(), nullable=True),
        sa.Column("audit", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "basis IN ('certified', 'reserved', 'minimum', 'refunded')", name="basis"
        ),
        sa.CheckConstraint(
            "charged_fen >= 0 AND refunded_fen >= 0 AND charged_fen + refunded_fen = reserved_fen",
            name="amounts",
        ),
    )
    op.create_index(op.f("ix_line_bills_job_id"), "line_bills", ["job_id"])
    _carry_job_bills()
    op.drop_table("job_bills")


def _carry_job_bills() -> None:
    """Each line of a job_bills row becomes a line_bills row; they were written in line-id
    order. The job's audit summary goes with its first line."""
    bind = op.get_bind()
    bills = sa.table(
        "job_bills",
        *(sa.column(c) for c in ("job_id", "basis")),
        sa.column("created_at", UtcDateTime()),
        sa.column("lines", sa.JSON()),
        sa.column("audit", sa.JSON()),
    )
    quotes = sa.table("quotes", sa.column("id"), sa.column("job_id"), sa.column("status"))
    lines = sa.table("quote_lines", sa.column("id"), sa.column("quote_id"))
    target = sa.table(
        "line_bills",
        *(sa.column(c) for c in ("line_id", "job_id", "basis", "certified_gpu_hours")),
        *(sa.column(c) for c in ("reserved_fen", "charged_fen", "refunded_fen")),
        sa.column("audit", sa.JSON()),
        sa.column("created_at", UtcDateTime()),
    )
    for job_id, _basis, created, billed, audit in bind.execute(sa.select(bills)):
        ids = bind.scalars(
            sa.select(lines.c.id)
            .join(quotes, quotes.c.id == lines.c.quote_id)
            .where(quotes.c.job_id == job_id, quotes.c.status == "accepted")
            .order_by(lines.c.id)
        ).all()
        for i, (line_id, line) in enumerate(zip(ids, billed, strict=False)):
            certified = line.get("certified_gpu_hours")
            reserved, charged = int(line["reserved_fen"]), int(line["charged_fen"])
            bind.execute(
                target.insert().values(
                    line_id=line_id,
                    job_id=job_id,
                    basis="reserved" if certified is None else "certified",
                    reserved_fen=reserved,
                    charged_fen=charged,
                    refunded_fen=reserved - charged,
                    certified_gpu_hours=certified,
                    audit=audit if i == 0 else None,
                    created_at=created,
                )
            )


def upgrade() -> None:
    _replace_check("jobs", "status", f"status IN ({JOB_STATUSES}, 'expired')")
    _replace_check("quotes", "status", "status IN ('open', 'accepted', 'superseded')")
    _line_columns()
    _reservation_deadline()
    _entry_lines()
    _line_bills()


def downgrade() -> None:
    """Back to job-level statuses (bills of lines are not carried back; expired jobs and lines
    read as cancelled, superseded quotes as open)."""
    op.create_table(
        "job_bills",
        sa.Column("job_id", sa.String(64), sa.ForeignKey("jobs.id"), primary_key=True),
        sa.Column("basis", sa.String(16), nullable=False),
        *(
            sa.Column(c, sa.BigInteger(), nullable=False)
            for c in ("reserved_fen", "charged_fen", "refunded_fen")
        ),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("audit", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.drop_table("line_bills")
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_index(op.f("ix_ledger_entries_line_id"))
        batch.drop_constraint(op.f("fk_ledger_entries_line_id_quote_lines"), type_="foreignkey")
        batch.drop_column("line_id")
    with op.batch_alter_table("reservations") as batch:
        batch.drop_index(op.f("ix_reservations_start_by"))
        batch.drop_column("start_by")
    with op.batch_alter_table("quote_lines") as batch:
        batch.drop_index(op.f("ix_quote_lines_status"))
        batch.drop_constraint(op.f("ck_quote_lines_status"), type_="check")
        batch.drop_constraint(op.f("ck_quote_lines_minimum"), type_="check")
        for column in ("ended_at", "started_at", "status", "minimum_fen"):
            batch.drop_column(column)
    op.execute("UPDATE jobs SET status = 'cancelled' WHERE status = 'expired'")
    op.execute("UPDATE quotes SET status = 'open' WHERE status = 'superseded'")
    _replace_check("jobs", "status", f"status IN ({JOB_STATUSES})")
    _replace_check("quotes", "status", "status IN ('open', 'accepted')")
