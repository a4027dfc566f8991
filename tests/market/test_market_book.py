"""The in-memory books as a Hypothesis state machine: whatever happens, postings sum to zero,
no account falls below its floor, refused entries change nothing, and an entry applied again
under its idempotency key changes nothing."""

from __future__ import annotations

from copy import deepcopy

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from suanli.errors import InsufficientFundsError
from suanli.market.book import Book
from suanli.market.ledger import AccountKind, Entry, account_id, hold, refund, settle, top_up

OWNERS = st.sampled_from(["b1", "b2"])
AMOUNTS = st.integers(1, 100_000)


class BookMachine(RuleBasedStateMachine):
    holds = Bundle("holds")
    applied = Bundle("applied")

    def __init__(self) -> None:
        super().__init__()
        self.book = Book(validate=True)
        self.keys = 0

    def apply(self, entry: Entry) -> tuple[str, Entry] | None:
        before = deepcopy(self.book.balances)
        self.keys += 1
        key = f"k{self.keys}"
        try:
            self.book.apply(entry, key=key)
        except InsufficientFundsError:
            assert self.book.balances == before
            return None
        return key, entry

    @rule(target=applied, owner=OWNERS, amount=AMOUNTS)
    def top_up(self, owner: str, amount: int) -> tuple[str, Entry] | None:
        return self.apply(top_up(owner, amount))

    @rule(owner=OWNERS, limit=st.integers(0, 50_000))
    def set_credit(self, owner: str, limit: int) -> None:
        wallet = account_id(AccountKind.WALLET, owner)
        try:
            self.book.set_credit_limit(owner, limit)
        except InsufficientFundsError:
            assert self.book.balance(wallet) < -limit

    @rule(target=holds, owner=OWNERS, amount=AMOUNTS)
    def hold(self, owner: str, amount: int) -> tuple[str, int] | None:
        done = self.apply(hold(owner, amount, "job"))
        return None if done is None else (owner, amount)

    @rule(
        held=holds,
        supplier=st.sampled_from(["s1", "s2"]),
        fee=st.integers(0, 2_000),
        pay=st.booleans(),
    )
    def finish(self, held: tuple[str, int] | None, supplier: str, fee: int, pay: bool) -> None:
        if held is None:
            return
        owner, amount = held
        entry = (
            settle(owner, [(supplier, amount)], fee, "job") if pay else refund(owner, amount, "j")
        )
        escrow = self.book.balance(account_id(AccountKind.ESCROW, owner))
        done = self.apply(entry)
        assert (done is not None) == (escrow >= amount)

    @rule(done=applied)
    def replay(self, done: tuple[str, Entry] | None) -> None:
        if done is None:
            return
        before = deepcopy(self.book.balances)
        assert self.book.apply(done[1], key=done[0]) == done[1]
        assert self.book.balances == before

    @invariant()
    def balanced(self) -> None:
        self.book.check()


BookMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
test_book = BookMachine.TestCase
