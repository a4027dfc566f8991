"""Accounts, API keys and who a key belongs to. Keys are stored as their SHA-256 only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from suanli.errors import AlreadyExistsError, ConflictError, NotFoundError
from suanli.market.ledger import OWNED_KINDS, account_id
from suanli.market.roles import Role, holds_money
from suanli.store.ids import NewId, NewSecret
from suanli.store.tables import AccountRow, ApiKeyRow, LedgerAccountRow

KEY_PREFIX = "sk_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: an account and its role."""

    account_id: str
    name: str
    role: Role


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_account(
    *, session: Session, name: str, role: Role, now: datetime, new_id: NewId
) -> AccountRow:
    """A new account with its wallet, escrow and receivable ledger accounts (none for roles
    that hold no money: `holds_money`)."""
    if session.scalar(select(AccountRow.id).where(AccountRow.name == name)) is not None:
        raise AlreadyExistsError(f"an account named {name!r} exists; choose another name")
    row = AccountRow(id=new_id("acc"), name=name, role=role.value, created_at=now)
    session.add(row)
    session.flush()
    for kind in OWNED_KINDS if holds_money(role) else ():
        session.add(
            LedgerAccountRow(
                id=account_id(kind, row.id),
                kind=kind.value,
                owner_id=row.id,
                balance_fen=0,
                credit_limit_fen=0,
            )
        )
    session.flush()
    return row


def issue_key(
    *, session: Session, account: AccountRow, now: datetime, new_id: NewId, new_secret: NewSecret
) -> str:
    """A new API key for `account`; the text is returned once and only its hash is kept."""
    key = f"{KEY_PREFIX}{account.role}_{new_secret()}"
    session.add(
        ApiKeyRow(
            id=new_id("key"),
            account_id=account.id,
            key_hash=hash_key(key),
            prefix=key[:12],
            created_at=now,
        )
    )
    session.flush()
    return key


def account_for_key(
    *, session: Session, name: str, role: Role, now: datetime, new_id: NewId
) -> AccountRow:
    """The account named `name` (which must have `role`), created when there is none."""
    row = session.scalar(select(AccountRow).where(AccountRow.name == name))
    if row is None:
        return create_account(session=session, name=name, role=role, now=now, new_id=new_id)
    if row.role != role.value:
        raise ConflictError(
            f"account {name!r} has role {row.role}, not {role.value}; use another name"
        )
    return row


def principal_for_key(*, session: Session, key: str) -> Principal | None:
    """The account a key belongs to; None for an unknown or revoked key."""
    query = (
        select(AccountRow)
        .join(ApiKeyRow, ApiKeyRow.account_id == AccountRow.id)
        .where(ApiKeyRow.key_hash == hash_key(key), ApiKeyRow.revoked_at.is_(None))
    )
    row = session.scalar(query)
    return None if row is None else Principal(row.id, row.name, Role(row.role))


def get_account(*, session: Session, account_id: str) -> AccountRow:
    row = session.get(AccountRow, account_id)
    if row is None:
        raise NotFoundError("account", account_id)
    return row


def money_holder(*, session: Session, account_id: str) -> AccountRow:
    """The account `account_id`, which must be one that holds money (`holds_money`). Decided by
    its role, not by its ledger rows: auditors made before this rule have empty wallets."""
    row = get_account(session=session, account_id=account_id)
    if not holds_money(Role(row.role)):
        raise ConflictError(
            f"account {account_id} has role {row.role}, and auditors hold no money: it cannot "
            "be topped up or given credit; top up a buyer's or a supplier's account instead"
        )
    return row


def list_accounts(*, session: Session, limit: int, offset: int) -> list[AccountRow]:
    query = select(AccountRow).order_by(AccountRow.created_at, AccountRow.id)
    return list(session.scalars(query.limit(limit).offset(offset)))
