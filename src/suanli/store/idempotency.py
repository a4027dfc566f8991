"""Responses stored under an Idempotency-Key, per account, in the transaction of the request.

A record older than the caller's cutoff (`fresh_since`, from the idempotency time to live) is
treated as absent; saving a record deletes the account's records older than the cutoff, so
an expired key is replaced and expired records do not pile up. The purge is per account
because the primary key (account, key) indexes it: a sweep over every account would scan the
whole table on each write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from suanli.store.tables import IdempotencyRow


def find_response(
    *, session: Session, account_id: str, key: str, fresh_since: datetime
) -> IdempotencyRow | None:
    """The response stored under `key`, unless it was stored before `fresh_since`."""
    row = session.get(IdempotencyRow, (account_id, key))
    return row if row is not None and row.created_at >= fresh_since else None


def save_response(
    *,
    session: Session,
    account_id: str,
    key: str,
    fingerprint: str,
    status_code: int,
    body: str,
    now: datetime,
    fresh_since: datetime,
) -> None:
    """Store the response, after deleting the account's records stored before `fresh_since`.

    A concurrent request with the same key makes the flush (or the commit) fail on the primary
    key, which rolls this whole request back."""
    session.execute(
        delete(IdempotencyRow).where(
            IdempotencyRow.account_id == account_id, IdempotencyRow.created_at < fresh_since
        )
    )
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
