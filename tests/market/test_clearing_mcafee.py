"""McAfee's trade reduction against its definition, and by brute force: on unit books no buyer
or seller gains by misreporting its limit, whatever the others report."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suanli.market.clearing import Clearing, Order, Rule, Side, clear, trade_amounts_fen

FAST = settings(max_examples=120, deadline=None)

VALUES = st.integers(0, 8).map(float)


@st.composite
def unit_books(draw: st.DrawFn) -> list[Order]:
    buyers = draw(st.lists(VALUES, min_size=1, max_size=4))
    sellers = draw(st.lists(VALUES, min_size=1, max_size=4))
    orders = [Order(f"b{i}", Side.BUY, "P", 1.0, v) for i, v in enumerate(buyers)]
    orders += [Order(f"s{i}", Side.SELL, "P", 1.0, c) for i, c in enumerate(sellers)]
    return draw(st.permutations(orders))  # any time priority


def utility(result: Clearing, truth: Order) -> float:
    """Value − payment for a buyer who trades, payment − cost for a seller; 0 otherwise."""
    fill = next((f for f in result.fills if f.order == truth.id), None)
    if fill is None:
        return 0.0
    gain = truth.limit - fill.price if truth.side is Side.BUY else fill.price - truth.limit
    return fill.quantity * gain


def misreports(orders: list[Order]) -> list[float]:
    """Every limit, the points half-way around them, zero and above the highest."""
    limits = {o.limit for o in orders}
    grid = limits | {v + d for v in limits for d in (-0.5, 0.5)} | {0.0, max(limits) + 1}
    return sorted(v for v in grid if v >= 0)


@FAST
@given(unit_books())
def test_no_one_gains_by_misreporting_its_limit(orders: list[Order]) -> None:
    truthful = clear(orders, Rule.MCAFEE)
    for i, truth in enumerate(orders):
        honest = utility(truthful, truth)
        for lie in misreports(orders):
            lying = [*orders[:i], replace(truth, limit=lie), *orders[i + 1 :]]
            gained = utility(clear(lying, Rule.MCAFEE), truth)
            assert gained <= honest + 1e-9, (truth, lie, honest, gained)


def efficient_units(orders: list[Order]) -> int:
    bids = sorted((o.limit for o in orders if o.side is Side.BUY), reverse=True)
    asks = sorted(o.limit for o in orders if o.side is Side.SELL)
    return sum(1 for b, s in zip(bids, asks, strict=False) if b >= s)


@FAST
@given(unit_books())
def test_the_rule_as_mcafee_defines_it(orders: list[Order]) -> None:
    bids = sorted((o.limit for o in orders if o.side is Side.BUY), reverse=True)
    asks = sorted(o.limit for o in orders if o.side is Side.SELL)
    k = efficient_units(orders)
    p = clear(orders, Rule.MCAFEE).products["P"]
    assert p.method == "mcafee"
    if k == 0:
        assert p.traded == 0 and p.price is None
        return
    p0 = (bids[k] + asks[k]) / 2 if k < min(len(bids), len(asks)) else None
    if p0 is not None and asks[k - 1] <= p0 <= bids[k - 1]:
        assert (p.traded, p.price, p.seller_price) == (k, p0, p0)
    elif k > 1:
        assert (p.traded, p.price, p.seller_price) == (k - 1, bids[k - 1], asks[k - 1])
    else:
        assert p.traded == 0 and p.price is None


@FAST
@given(unit_books(), st.integers(0, 10_000))
def test_the_platform_never_pays_and_keeps_the_surplus(orders: list[Order], fee_bp: int) -> None:
    result = clear(orders, Rule.MCAFEE)
    by_id = {o.id: o for o in orders}
    for fill in result.fills:
        o = by_id[fill.order]
        assert fill.price <= o.limit if o.side is Side.BUY else fill.price >= o.limit
    for trade in result.trades:
        buyer, seller, platform = trade_amounts_fen(trade, fee_bp)
        assert buyer == seller + platform and platform >= 0


def test_multi_unit_orders_lose_one_unit_to_the_reduction() -> None:
    orders = [
        Order("b1", Side.BUY, "P", 10, 12),
        Order("b2", Side.BUY, "P", 5, 10),
        Order("s1", Side.SELL, "P", 8, 9),
        Order("s2", Side.SELL, "P", 10, 11),
    ]
    result = clear(orders, Rule.MCAFEE)
    p = result.products["P"]
    # k = 10 units; b_11 = 10, s_11 = 11: p0 = 10.5 < s_10 = 11, so 9 units trade
    assert (p.traded, p.price, p.seller_price, p.interval) == (9.0, 12.0, 11.0, (11.0, 11.0))
    assert {f.order: f.quantity for f in result.fills} == {"b1": 9, "s1": 8, "s2": 1}
    platform = sum(trade_amounts_fen(t, 0)[2] for t in result.trades)
    assert platform == 9 * 100  # one yuan per unit


def test_when_p0_fits_every_efficient_unit_trades_at_it() -> None:
    orders = [
        Order("b1", Side.BUY, "P", 1, 10),
        Order("b2", Side.BUY, "P", 1, 4),
        Order("s1", Side.SELL, "P", 1, 2),
        Order("s2", Side.SELL, "P", 1, 8),
    ]
    p = clear(orders, Rule.MCAFEE).products["P"]
    assert (p.traded, p.price, p.seller_price) == (1.0, 6.0, 6.0)


def test_the_reduced_pair_is_told_why() -> None:
    orders = [Order("b", Side.BUY, "P", 1, 10), Order("s", Side.SELL, "P", 1, 2)]
    result = clear(orders, Rule.MCAFEE)
    assert [(u.order, u.reason) for u in result.unfilled] == [
        ("b", "trade_reduction"),
        ("s", "trade_reduction"),
    ]
    assert result.products["P"].price is None


def test_a_buyer_below_the_reduction_price_is_told_so() -> None:
    orders = [
        Order("b", Side.BUY, "P", 1, 10),
        Order("low", Side.BUY, "P", 1, 7),
        Order("s", Side.SELL, "P", 1, 5),
    ]
    reasons = {u.order: u.reason for u in clear(orders, Rule.MCAFEE).unfilled}
    assert reasons == {"b": "trade_reduction", "s": "trade_reduction", "low": "limit_below_price"}


def test_mcafee_takes_whole_units_only() -> None:
    with pytest.raises(ValueError, match="not whole"):
        clear([Order("b", Side.BUY, "P", 0.5, 1)], Rule.MCAFEE)
