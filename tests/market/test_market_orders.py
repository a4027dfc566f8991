"""The money rules of market orders (`suanli.market.orders`): a fill's release always covers the
line it pays for and leaves the order holding exactly its remaining GPUs' share; sells share a
pool's free GPUs in the order they came; the McAfee spread goes to the platform."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suanli.errors import InvalidValueError
from suanli.market.clearing import Side, Trade, trade_amounts_fen
from suanli.market.money import share
from suanli.market.orders import (
    NO_FREE_GPUS,
    POOL_RETIRED,
    PoolTerms,
    StandingOrder,
    call_book,
    depth,
    fill_money,
    line_fee_bp,
    offered_gpus,
    order_hold_fen,
    per_gpu_hold_fen,
)

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=4).map(float)
hours = st.sampled_from([1.0, 1.5, 8.0, 24.0, 72.0])
"""Market periods: at least an hour (`ServiceSettings.market_period_hours`)."""


@given(
    gpus=st.integers(1, 512),
    taken=st.data(),
    h=hours,
    m=st.sampled_from([0.01, 0.5, 1.0, 2.0]),
    limit=prices,
    share_of_limit=st.floats(0.01, 1.0),
)
def test_a_fill_releases_its_share_and_covers_its_line(
    gpus: int,
    taken: st.DataObject,
    h: float,
    m: float,
    limit: float,
    share_of_limit: float,
) -> None:
    filled = taken.draw(st.integers(1, gpus))
    price = max(0.01, limit * share_of_limit)
    held = order_hold_fen(gpus, h, limit, m)
    money = fill_money(filled, h, limit, price, m)
    assert money.minimum_fen <= money.line_fen <= money.released_fen
    rest = held - money.released_fen
    assert rest == (order_hold_fen(gpus - filled, h, limit, m) if filled < gpus else 0)
    exact = Decimal(gpus) * Decimal(str(max(h, m))) * Decimal(str(limit)) * 100
    assert exact <= held < exact + gpus  # rounded up, by less than a fen per GPU


def test_a_buy_that_holds_nothing_or_too_much_is_refused() -> None:
    assert per_gpu_hold_fen(24, 12.5, 1) == 30_000
    with pytest.raises(InvalidValueError, match=r"holds 0\.00 yuan"):
        order_hold_fen(1, 24, 0.0, 1)
    with pytest.raises(InvalidValueError, match="beyond any real amount"):
        order_hold_fen(10_000_000, 744, 100_000, 1)
    with pytest.raises(ValueError, match="breaks its buy's limit"):
        fill_money(1, 24, 10, 10.01, 1)


@given(
    sells=st.lists(st.tuples(st.sampled_from("abc"), st.integers(1, 40)), min_size=0, max_size=12),
    free=st.dictionaries(st.sampled_from("abc"), st.integers(0, 64)),
)
def test_sells_share_their_pool_in_the_order_they_came(
    sells: list[tuple[str, int]], free: dict[str, int]
) -> None:
    named = [(f"s{i}", pool, gpus) for i, (pool, gpus) in enumerate(sells)]
    offered = offered_gpus(named, free)
    for pool in "abc":
        mine = [(i, g) for i, p, g in named if p == pool]
        assert sum(offered[i] for i, _ in mine) <= free.get(pool, 0)
        left = free.get(pool, 0)
        for order_id, gpus in mine:  # the oracle: first come, first served
            assert offered[order_id] == min(gpus, left)
            left -= offered[order_id]


def test_the_call_book_asks_at_least_the_reserve_and_leaves_out_what_cannot_sell() -> None:
    standing = [
        StandingOrder("b1", Side.BUY, "H800@x", 8, 12.0, True),
        StandingOrder("s1", Side.SELL, "H800@x", 16, None, pool="p"),
        StandingOrder("s2", Side.SELL, "H800@x", 16, 9.0, pool="p"),
        StandingOrder("s3", Side.SELL, "H800@x", 4, 11.0, pool="q"),
        StandingOrder("s4", Side.SELL, "H800@x", 4, 11.0, pool="gone"),
    ]
    book = call_book(standing, {"p": PoolTerms(20, 10.0), "q": PoolTerms(0, 5.0)})
    assert [(o.id, o.quantity, o.limit) for o in book.orders] == [
        ("b1", 8.0, 12.0),
        ("s1", 16.0, 10.0),
        ("s2", 4.0, 10.0),  # asks its pool's reserve, not its lower limit
    ]
    assert book.left_out == {"s3": NO_FREE_GPUS, "s4": POOL_RETIRED}
    bids, asks = depth(book.orders, "H800@x")
    assert (bids, asks) == ([(12.0, 8, 1)], [(10.0, 20, 2)])


@given(
    buyer=prices,
    ratio=st.floats(0.0, 1.0),
    fee_bp=st.integers(0, 2000),
    gpus=st.integers(1, 64),
)
def test_the_platform_keeps_the_mcafee_spread(
    buyer: float, ratio: float, fee_bp: int, gpus: int
) -> None:
    seller = buyer * ratio
    bp = line_fee_bp(fee_bp, buyer, seller)
    assert bp >= fee_bp
    trade = Trade("b", "s", "p", float(gpus), buyer, seller)
    charged, supplier, _ = trade_amounts_fen(trade, fee_bp)
    paid = charged - share(charged, bp)
    assert paid <= supplier + 1  # never more than its price less the fee (a fen of rounding)
    assert paid >= supplier - charged / 10_000 - 1  # short of it by under a basis point
    assert line_fee_bp(fee_bp, buyer, buyer) == fee_bp
