"""Responses stored under an Idempotency-Key, per account, in the transaction of the request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from suanli.store.tables import IdempotencyRow


def find_response(*, session: Session, account_id: str, key: str) -> IdempotencyRow | None:
    return session.get(IdempotencyRow, (account_id, key))


def save_response(
    *,
    session: Session,
    account_id: str,
    key: str,
    fingerprint: str,
    status_code: int,
    body: str,
    now: datetime,
) -> None:
    """Store the response; a concurrent request with the same key makes the flush (or the
    commit) fail on the primary key, which rolls this whole request back."""
    session.add(
        IdempotencyRow(
            account_id=account_id,
            key=key,
            fingerprint=fingerprint,
            status_code=status_code,
            body=body,
            created_at=now,
        )
    )
    session.flush()
