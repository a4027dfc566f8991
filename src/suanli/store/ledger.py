"""Post ledger entries (`suanli.market.ledger`) and read balances.

A posting is one conditional UPDATE that moves the cached balance only while the account stays
at or above its floor, so two concurrent holds on one wallet cannot overdraw it on either
database; postings touch accounts in id order so that PostgreSQL's row locks never deadlock.

Each party sees its own money: an entry shown to anyone but an operator or auditor holds only
the postings on the viewer's own accounts and on the accounts of the job's buyer (a supplier
sees what the buyer paid for its line, never another supplier's payout); the rest is summed
into `others_fen`, so what is shown still sums to zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from suanli.errors import InsufficientFundsError, NotFoundError
from suanli.market.ledger import AccountKind, Entry, account_id
from suanli.market.money import to_yuan
from suanli.store.ids import NewId
from suanli.store.tables import JobRow, LedgerAccountRow, LedgerEntryRow, PostingRow


@dataclass(frozen=True, slots=True)
class EntryView:
    entry: LedgerEntryRow
    postings: tuple[PostingRow, ...]
    others_fen: int = 0
    """The sum of the entry's postings that the viewer may not see."""


def post(*, session: Session, entry: Entry, now: datetime, new_id: NewId) -> LedgerEntryRow:
    """Apply `entry` whole; `InsufficientFundsError` (and nothing applied, once the caller's
    transaction rolls back) when an account would fall below its floor."""
    for posting in sorted(entry.postings, key=lambda p: p.account):
        _move(session, posting.account, posting.amount_fen)
    row = LedgerEntryRow(
        id=new_id("ent"),
        kind=entry.kind.value,
        job_id=entry.job_id or None,
        line_id=entry.line_id,
        memo=entry.memo,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.add_all(
        PostingRow(entry_id=row.id, account_id=p.account, amount_fen=p.amount_fen)
        for p in entry.postings
    )
    session.flush()
    return row


def _move(session: Session, account: str, amount_fen: int) -> None:
    acc = LedgerAccountRow
    stays_above_floor = or_(
        acc.kind == AccountKind.EXTERNAL.value,
        acc.balance_fen + amount_fen >= -acc.credit_limit_fen,
    )
    moved = session.execute(
        update(acc)
        .where(acc.id == account, stays_above_floor)
        .values(balance_fen=acc.balance_fen + amount_fen)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount == 1:  # type: ignore[attr-defined]
        return
    row = session.get(acc, account, populate_existing=True)
    if row is None:
        raise NotFoundError("ledger account", account)
    raise InsufficientFundsError(
        f"{account} holds {to_yuan(row.balance_fen):.2f} yuan with a credit limit of "
        f"{to_yuan(row.credit_limit_fen):.2f} yuan; {to_yuan(-amount_fen):.2f} yuan are needed; "
        "ask the operator to top up the wallet or to allow credit"
    )


def set_credit_limit(*, session: Session, owner_id: str, limit_fen: int) -> LedgerAccountRow:
    """Let the wallet of `owner_id` go down to −`limit_fen`; refused while it owes more."""
    wallet = account_id(AccountKind.WALLET, owner_id)
    acc = LedgerAccountRow
    changed = session.execute(
        update(acc)
        .where(acc.id == wallet, acc.balance_fen >= -limit_fen)
        .values(credit_limit_fen=limit_fen)
        .execution_options(synchronize_session=False)
    )
    row = session.get(acc, wallet, populate_existing=True)
    if row is None:
        raise NotFoundError("wallet of account", owner_id)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise InsufficientFundsError(
            f"the wallet owes {to_yuan(-row.balance_fen):.2f} yuan, more than a credit limit of "
            f"{to_yuan(limit_fen):.2f} yuan; top it up first or choose a higher limit"
        )
    return row


def owned_accounts(*, session: Session, owner_id: str) -> list[LedgerAccountRow]:
    query = select(LedgerAccountRow).where(LedgerAccountRow.owner_id == owner_id)
    return list(session.scalars(query.order_by(LedgerAccountRow.id)))


def all_accounts(*, session: Session) -> list[LedgerAccountRow]:
    return list(session.scalars(select(LedgerAccountRow).order_by(LedgerAccountRow.id)))


def postings_total(*, session: Session) -> int:
    """The sum of all postings ever made: zero when the books balance."""
    return int(session.scalar(select(func.coalesce(func.sum(PostingRow.amount_fen), 0))) or 0)


def list_entries(
    *, session: Session, owner_id: str | None, job_id: str | None, limit: int, offset: int
) -> list[EntryView]:
    """Entries, oldest first; when `owner_id` is given, only those touching its accounts, with
    only the postings it may see (module docstring)."""
    query = select(LedgerEntryRow).order_by(LedgerEntryRow.created_at, LedgerEntryRow.id)
    if owner_id is not None:
        mine = (
            select(PostingRow.entry_id)
            .join(LedgerAccountRow)
            .where(LedgerAccountRow.owner_id == owner_id)
        )
        query = query.where(LedgerEntryRow.id.in_(mine))
    if job_id is not None:
        query = query.where(LedgerEntryRow.job_id == job_id)
    entries = list(session.scalars(query.limit(limit).offset(offset)))
    postings = session.execute(
        select(PostingRow, LedgerAccountRow.owner_id)
        .join(LedgerAccountRow)
        .where(PostingRow.entry_id.in_([e.id for e in entries]))
        .order_by(PostingRow.id)
    )
    by_entry: dict[str, list[tuple[PostingRow, str | None]]] = {}
    for posting, owner in postings:
        by_entry.setdefault(posting.entry_id, []).append((posting, owner))
    if owner_id is None:
        return [EntryView(e, tuple(p for p, _ in by_entry.get(e.id, []))) for e in entries]
    buyers = _buyers(session, {e.job_id for e in entries if e.job_id})
    return [_view(e, by_entry.get(e.id, []), owner_id, buyers.get(e.job_id or "")) for e in entries]


def _buyers(session: Session, job_ids: set[str]) -> dict[str, str]:
    rows = session.execute(select(JobRow.id, JobRow.buyer_id).where(JobRow.id.in_(job_ids)))
    return {str(job): str(buyer) for job, buyer in rows}


def _view(
    entry: LedgerEntryRow,
    postings: list[tuple[PostingRow, str | None]],
    viewer: str,
    buyer: str | None,
) -> EntryView:
    """The postings `viewer` may see; the hidden ones sum to minus those (an entry sums to 0)."""
    shown = tuple(p for p, owner in postings if owner is not None and owner in (viewer, buyer))
    return EntryView(entry, shown, -sum(p.amount_fen for p in shown))
