"""Exchange accounts (one per buyer, supplier, operator or auditor) and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from suanli.store.tables.base import Base, UtcDateTime

ROLES = "'operator', 'supplier', 'buyer', 'auditor'"


class AccountRow(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint(f"role IN ({ROLES})", name="role"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiKeyRow(Base):
    """A key is stored as the SHA-256 of its text: keys are 256-bit random, so a fast hash
    is enough (a password hash protects low-entropy secrets), and lookup is one index probe."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
