"""Money in fen, the entries of the double-entry ledger, and the job lifecycle table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suanli.errors import InvalidTransitionError, InvalidValueError
from suanli.market.ledger import (
    EXTERNAL_FUNDING,
    PLATFORM_FEES,
    Entry,
    EntryKind,
    Posting,
    floor_of,
    hold,
    refund,
    settle,
    top_up,
)
from suanli.market.lifecycle import TERMINAL, TRANSITIONS, Effect, JobEvent, JobStatus, transition
from suanli.market.money import share, to_fen


def test_yuan_to_fen_rounds_half_to_even() -> None:
    assert [to_fen(x) for x in ("0.125", "0.135", 12.5, Decimal("3.14"))] == [12, 14, 1250, 314]
    with pytest.raises(InvalidValueError):
        to_fen(float("nan"))
    with pytest.raises(InvalidValueError):
        to_fen(1e20)


@given(st.integers(1, 10**12), st.integers(0, 10_000))
def test_a_share_never_exceeds_the_amount(amount: int, bp: int) -> None:
    assert 0 <= share(amount, bp) <= amount


def test_entries_must_balance() -> None:
    with pytest.raises(InvalidValueError, match="sum to zero"):
        Entry(EntryKind.TOP_UP, (Posting("wallet:a", 5), Posting(EXTERNAL_FUNDING, -4)))
    with pytest.raises(InvalidValueError, match="must not be zero"):
        Entry(EntryKind.TOP_UP, (Posting("wallet:a", 0), Posting(EXTERNAL_FUNDING, 0)))
    with pytest.raises(InvalidValueError, match="> 0"):
        top_up("a", 0)


@given(
    st.lists(st.tuples(st.sampled_from("xyz"), st.integers(1, 10**9)), min_size=1, max_size=5),
    st.integers(0, 10_000),
)
def test_settle_pays_suppliers_and_fee_exactly(lines: list[tuple[str, int]], bp: int) -> None:
    entry = settle("b", lines, bp, "job")
    assert sum(p.amount_fen for p in entry.postings) == 0
    paid = {p.account: p.amount_fen for p in entry.postings}
    assert paid["escrow:b"] == -sum(amount for _, amount in lines)
    assert paid.get(PLATFORM_FEES, 0) == sum(share(a, bp) for _, a in lines)


def test_hold_and_refund_mirror_each_other() -> None:
    held, back = hold("b", 500, "j"), refund("b", 500, "j")
    assert {p.account: p.amount_fen for p in held.postings} == {
        p.account: -p.amount_fen for p in back.postings
    }


def test_floors() -> None:
    assert floor_of("wallet:b", 300) == -300
    assert floor_of("escrow:b", 300) == 0
    assert floor_of(EXTERNAL_FUNDING) is None


def test_the_transition_table_is_total_and_terminal_states_are_final() -> None:
    for status in JobStatus:
        for event in JobEvent:
            if (status, event) in TRANSITIONS:
                assert transition(status, event).to in JobStatus
            else:
                with pytest.raises(InvalidTransitionError, match=f"cannot {event.value}"):
                    transition(status, event)
    assert not any(origin in TERMINAL for origin, _ in TRANSITIONS)


def test_money_moves_only_where_capacity_does() -> None:
    """Whatever takes capacity holds funds; whatever releases it settles or refunds."""
    for step in TRANSITIONS.values():
        effects = set(step.effects)
        assert (Effect.TAKE_CAPACITY in effects) == (Effect.HOLD_FUNDS in effects)
        released = Effect.RELEASE_CAPACITY in effects
        assert released == bool(effects & {Effect.SETTLE, Effect.REFUND})
