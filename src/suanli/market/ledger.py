"""Double-entry bookkeeping: accounts, postings and the entries the exchange makes.

Every entry is a set of postings in whole fen that sums to zero, so the sum of all postings ever
made is zero. An account's balance is the sum of its postings; positive means money held there.

    top-up   external −A, wallet +A           the operator adds money from outside
    hold     wallet −A, escrow +A             a reservation sets a quote line's price aside
    settle   escrow −A, receivable +(A − f),   a line closed with a charge: its supplier is
             platform +f                      paid, the platform keeps its fee f
    refund   escrow −A, wallet +A             what a closed line held and was not charged

Entries of a reservation name the quote line they move money for (`line_id`), so that each
supplier's share is held, settled and refunded on its own (`suanli.market.settlement`).

Floors: a wallet may fall to minus its credit limit (0 unless the operator allows credit);
escrow, receivables and the platform never go below zero; the external account has no floor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from suanli.domain.checks import require
from suanli.market.money import share


class AccountKind(StrEnum):
    WALLET = "wallet"
    ESCROW = "escrow"
    RECEIVABLE = "receivable"
    PLATFORM = "platform"
    EXTERNAL = "external"


PLATFORM_FEES = "platform:fees"
EXTERNAL_FUNDING = "external:funding"
OWNED_KINDS = (AccountKind.WALLET, AccountKind.ESCROW, AccountKind.RECEIVABLE)
"""The ledger accounts every exchange account (buyer, supplier, operator) gets."""


def account_id(kind: AccountKind, owner: str) -> str:
    """The ledger account of `kind` that belongs to exchange account `owner`."""
    return f"{kind.value}:{owner}"


def kind_of(account: str) -> AccountKind:
    return AccountKind(account.split(":", 1)[0])


def floor_of(account: str, credit_limit_fen: int = 0) -> int | None:
    """The lowest balance `account` may reach; None when it has no floor."""
    kind = kind_of(account)
    if kind is AccountKind.EXTERNAL:
        return None
    return -credit_limit_fen if kind is AccountKind.WALLET else 0


class EntryKind(StrEnum):
    TOP_UP = "top_up"
    HOLD = "hold"
    SETTLE = "settle"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class Entry:
    """Postings that move money together; they sum to zero and none is zero."""

    kind: EntryKind
    postings: tuple[Posting, ...]
    job_id: str = ""
    memo: str = ""
    line_id: int | None = None

    def __post_init__(self) -> None:
        require(len(self.postings) >= 2, "an entry needs at least two postings")
        require(all(p.amount_fen != 0 for p in self.postings), "a posting must not be zero")
        total = sum(p.amount_fen for p in self.postings)
        require(total == 0, f"postings of an entry must sum to zero, got {total} fen")


def _positive(amount_fen: int) -> None:
    require(amount_fen > 0, f"amount must be > 0 fen, got {amount_fen}")


def top_up(owner: str, amount_fen: int, memo: str = "") -> Entry:
    _positive(amount_fen)
    wallet = account_id(AccountKind.WALLET, owner)
    postings = (Posting(EXTERNAL_FUNDING, -amount_fen), Posting(wallet, amount_fen))
    return Entry(EntryKind.TOP_UP, postings, memo=memo)


def hold(owner: str, amount_fen: int, job_id: str, line_id: int | None = None) -> Entry:
    _positive(amount_fen)
    wallet, escrow = (account_id(k, owner) for k in (AccountKind.WALLET, AccountKind.ESCROW))
    postings = (Posting(wallet, -amount_fen), Posting(escrow, amount_fen))
    return Entry(EntryKind.HOLD, postings, job_id, line_id=line_id)


def refund(owner: str, amount_fen: int, job_id: str, line_id: int | None = None) -> Entry:
    _positive(amount_fen)
    wallet, escrow = (account_id(k, owner) for k in (AccountKind.WALLET, AccountKind.ESCROW))
    postings = (Posting(escrow, -amount_fen), Posting(wallet, amount_fen))
    return Entry(EntryKind.REFUND, postings, job_id, line_id=line_id)


def settle(
    owner: str,
    lines: Sequence[tuple[str, int]],
    fee_bp: int,
    job_id: str,
    line_id: int | None = None,
) -> Entry:
    """Pay each `(supplier, amount_fen)` line from the buyer's escrow, less the platform fee of
    `fee_bp` basis points per line."""
    paid: dict[str, int] = defaultdict(int)
    fees = 0
    for supplier, amount in lines:
        _positive(amount)
        fee = share(amount, fee_bp)
        paid[account_id(AccountKind.RECEIVABLE, supplier)] += amount - fee
        fees += fee
    total = sum(paid.values()) + fees
    postings = [Posting(account_id(AccountKind.ESCROW, owner), -total)]
    postings += [Posting(acc, amount) for acc, amount in paid.items() if amount]
    postings += [Posting(PLATFORM_FEES, fees)] if fees else []
    return Entry(EntryKind.SETTLE, tuple(postings), job_id, line_id=line_id)
