"""An in-memory ledger: the reference model of the exchange's books, for simulations and tests.

`apply` posts an entry whole or not at all; an entry that would take an account below its floor
raises `InsufficientFundsError` and changes nothing. An entry applied under an idempotency key is
applied once: the same key again returns the first entry and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from suanli.errors import IdempotencyKeyReusedError, InsufficientFundsError
from suanli.market.ledger import AccountKind, Entry, account_id, floor_of
from suanli.market.money import to_yuan


@dataclass
class Book:
    """Balances in fen, wallet credit limits, and every entry applied, in order."""

    balances: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    credit_limits: dict[str, int] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    keyed: dict[str, Entry] = field(default_factory=dict)
    validate: bool = False
    """Check every invariant after each change (slow; for tests)."""

    def apply(self, entry: Entry, *, key: str | None = None) -> Entry:
        if key is not None and key in self.keyed:
            if self.keyed[key] != entry:
                raise IdempotencyKeyReusedError(f"key {key!r} was used for another entry")
            return self.keyed[key]
        for posting in entry.postings:
            self._check_floor(posting.account, self.balance(posting.account) + posting.amount_fen)
        for posting in entry.postings:
            self.balances[posting.account] += posting.amount_fen
        self.entries.append(entry)
        if key is not None:
            self.keyed[key] = entry
        self._maybe_check()
        return entry

    def set_credit_limit(self, owner: str, limit_fen: int) -> None:
        wallet = account_id(AccountKind.WALLET, owner)
        floor = -limit_fen
        if limit_fen < 0 or self.balance(wallet) < floor:
            raise InsufficientFundsError(
                f"wallet {wallet} holds {to_yuan(self.balance(wallet))} yuan; a credit limit of "
                f"{to_yuan(limit_fen)} yuan must be >= 0 and cover it; top up first"
            )
        self.credit_limits[wallet] = limit_fen

    def balance(self, account: str) -> int:
        return self.balances.get(account, 0)

    def check(self) -> None:
        """Raise `AssertionError` unless the books balance and every floor holds."""
        total = sum(p.amount_fen for e in self.entries for p in e.postings)
        if total != 0 or sum(self.balances.values()) != 0:
            raise AssertionError(f"postings sum to {total} fen, not zero")
        for account, balance in self.balances.items():
            floor = floor_of(account, self.credit_limits.get(account, 0))
            if floor is not None and balance < floor:
                raise AssertionError(f"{account} is at {balance} fen, below its floor {floor}")

    def _check_floor(self, account: str, after: int) -> None:
        floor = floor_of(account, self.credit_limits.get(account, 0))
        if floor is not None and after < floor:
            raise InsufficientFundsError(
                f"{account} would fall to {to_yuan(after)} yuan, below its floor of "
                f"{to_yuan(floor)} yuan; top up the wallet or ask the operator for credit"
            )

    def _maybe_check(self) -> None:
        if self.validate:
            self.check()
