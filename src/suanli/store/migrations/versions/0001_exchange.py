"""The exchange: accounts and keys, network, jobs, quotes, reservations, ledger, idempotency.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from suanli.store.tables.base import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'submitted', 'quoted', 'reserved', 'running', 'completed', 'failed', 'cancelled'"
ROLES = "'operator', 'supplier', 'buyer', 'auditor'"
DEFAULT_NETWORK = {
    "id": 1,
    "name": "suanli",
    "route_factor": 1.5,
    "overhead_ms": 1.0,
    "revision": 0,
}
SYSTEM_ACCOUNTS = [
    {"id": "platform:fees", "kind": "platform", "balance_fen": 0, "credit_limit_fen": 0},
    {"id": "external:funding", "kind": "external", "balance_fen": 0, "credit_limit_fen": 0},
]


def _id(length: int = 64) -> sa.Column[str]:
    return sa.Column("id", sa.String(length), primary_key=True)


def _fk(name: str, target: str, **kw: bool) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.String(64 if target != "ledger_accounts.id" else 100),
        sa.ForeignKey(target),
        nullable=kw.get("nullable", False),
    )


def _accounts() -> None:
    op.create_table(
        "accounts",
        _id(),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(f"role IN ({ROLES})", name="role"),
    )
    op.create_table(
        "api_keys",
        _id(),
        _fk("account_id", "accounts.id"),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_api_keys_account_id", "api_keys", ["account_id"])


def _network() -> None:
    network = op.create_table(
        "network",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("route_factor", sa.Float(), nullable=False),
        sa.Column("overhead_ms", sa.Float(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
    )
    op.bulk_insert(network, [DEFAULT_NETWORK])
    op.create_table(
        "regions",
        _id(100),
        sa.Column("name", sa.String(200), nullable=False),
        *(sa.Column(c, sa.Float(), nullable=False) for c in ("lat", "lon", "demand_weight")),
    )
    floats = ("lat", "lon", "egress_gbps", "electricity_yuan_per_kwh", "pue")
    op.create_table(
        "sites",
        _id(100),
        _fk("owner_id", "accounts.id"),
        *(sa.Column(c, sa.String(200), nullable=False) for c in ("name", "city")),
        *(sa.Column(c, sa.Float(), nullable=False) for c in floats),
        *(sa.Column(c, sa.String(200), nullable=False) for c in ("hub", "cluster")),
        sa.Column("retired", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_sites_owner_id", "sites", ["owner_id"])
    _pools()


def _pools() -> None:
    ints = ("nodes", "gpus_per_node", "cpu_milli_per_node", "memory_mib_per_node")
    op.create_table(
        "pools",
        _id(100),
        sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("gpu_model", sa.String(50), nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in ints),
        sa.Column("fabric", sa.String(16), nullable=False),
        sa.Column("reserve_price_yuan_per_gpu_hour", sa.Float(), nullable=False),
        sa.Column("reserved_gpus", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "reserved_gpus >= 0 AND reserved_gpus <= nodes * gpus_per_node", name="capacity"
        ),
    )
    op.create_index("ix_pools_site_id", "pools", ["site_id"])
    op.create_table(
        "rtt_overrides",
        sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), primary_key=True),
        sa.Column("region_id", sa.String(100), sa.ForeignKey("regions.id"), primary_key=True),
        sa.Column("rtt_ms", sa.Float(), nullable=False),
    )


def _jobs() -> None:
    op.create_table(
        "jobs",
        _id(),
        _fk("buyer_id", "accounts.id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="status"),
        sa.CheckConstraint("kind IN ('training', 'inference')", name="kind"),
    )
    op.create_index("ix_jobs_buyer_id", "jobs", ["buyer_id"])
    op.create_index("ix_jobs_status", "jobs", ["status"])
    _quotes()
    op.create_table(
        "reservations",
        _id(),
        sa.Column(
            "quote_id", sa.String(64), sa.ForeignKey("quotes.id"), nullable=False, unique=True
        ),
        sa.Column("job_id", sa.String(64), sa.ForeignKey("jobs.id"), nullable=False, unique=True),
        _fk("buyer_id", "accounts.id"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("released_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('active', 'released')", name="status"),
    )
    op.create_index("ix_reservations_buyer_id", "reservations", ["buyer_id"])


def _quotes() -> None:
    op.create_table(
        "quotes",
        _id(),
        _fk("job_id", "jobs.id"),
        _fk("buyer_id", "accounts.id"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("fee_bp", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(32), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'accepted')", name="status"),
    )
    op.create_index("ix_quotes_job_id", "quotes", ["job_id"])
    op.create_index("ix_quotes_buyer_id", "quotes", ["buyer_id"])
    op.create_table(
        "quote_lines",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _fk("quote_id", "quotes.id"),
        sa.Column("pool_id", sa.String(100), sa.ForeignKey("pools.id"), nullable=False),
        sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), nullable=False),
        _fk("supplier_id", "accounts.id"),
        sa.Column("gpu_model", sa.String(50), nullable=False),
        sa.Column("gpus", sa.Integer(), nullable=False),
        *(
            sa.Column(c, sa.Float(), nullable=False)
            for c in ("price_yuan_per_gpu_hour", "gpu_hours", "est_hours")
        ),
        sa.Column("cost_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("gpus > 0 AND cost_fen >= 0", name="positive"),
    )
    for column in ("quote_id", "pool_id", "supplier_id"):
        op.create_index(f"ix_quote_lines_{column}", "quote_lines", [column])


def _ledger() -> None:
    accounts = op.create_table(
        "ledger_accounts",
        _id(100),
        sa.Column("kind", sa.String(16), nullable=False),
        _fk("owner_id", "accounts.id", nullable=True),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("credit_limit_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind = 'external' OR balance_fen >= -credit_limit_fen", name="floor"),
        sa.CheckConstraint("credit_limit_fen >= 0", name="credit"),
    )
    op.create_index("ix_ledger_accounts_owner_id", "ledger_accounts", ["owner_id"])
    op.bulk_insert(accounts, SYSTEM_ACCOUNTS)
    op.create_table(
        "ledger_entries",
        _id(),
        sa.Column("kind", sa.String(16), nullable=False),
        _fk("job_id", "jobs.id", nullable=True),
        sa.Column("memo", sa.String(500), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_ledger_entries_job_id", "ledger_entries", ["job_id"])
    op.create_table(
        "postings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _fk("entry_id", "ledger_entries.id"),
        _fk("account_id", "ledger_accounts.id"),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_postings_entry_id", "postings", ["entry_id"])
    op.create_index("ix_postings_account_id", "postings", ["account_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("account_id", sa.String(64), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )


def upgrade() -> None:
    _accounts()
    _network()
    _jobs()
    _ledger()


def downgrade() -> None:
    for table in (
        "idempotency_keys",
        "postings",
        "ledger_entries",
        "ledger_accounts",
        "reservations",
        "quote_lines",
        "quotes",
        "jobs",
        "rtt_overrides",
        "pools",
        "sites",
        "regions",
        "network",
        "api_keys",
        "accounts",
    ):
        op.drop_table(table)
