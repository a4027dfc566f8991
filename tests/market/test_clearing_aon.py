"""All-or-nothing orders against brute force: over every acceptance set of the AON orders, the
best surplus that some uniform price supports (an accepted order's limit is never on the wrong
side of the price; a divisible order is filled as its limit says) is what the clearing gets."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suanli.market import aon
from suanli.market.clearing import Clearing, Order, Reason, Side, clear

FAST = settings(max_examples=80, deadline=None)


@st.composite
def aon_books(draw: st.DrawFn) -> list[Order]:
    n = draw(st.integers(1, 7))
    orders = [
        Order(
            id=f"o{i}",
            side=draw(st.sampled_from(Side)),
            product="P",
            quantity=float(draw(st.integers(1, 6))),
            limit=float(draw(st.integers(0, 10))),
            all_or_nothing=draw(st.booleans()),
        )
        for i in range(n)
    ]
    if not any(o.all_or_nothing for o in orders):
        orders[0] = Order(**{**_fields(orders[0]), "all_or_nothing": True})
    return orders


def _fields(o: Order) -> dict[str, object]:
    return {f: getattr(o, f) for f in Order.__slots__}


def best_divisible(divisible: list[Order], net_demand: float) -> float | None:
    """Most surplus of the divisible orders when they must sell `net_demand` units more than
    they buy (whole units, each unit at its order's limit); None when they cannot."""
    buys = sorted(
        (o.limit for o in divisible if o.side is Side.BUY for _ in range(int(o.quantity))),
        reverse=True,
    )
    sells = sorted(
        o.limit for o in divisible if o.side is Side.SELL for _ in range(int(o.quantity))
    )
    best = None
    for m_buy in range(len(buys) + 1):
        m_sell = m_buy + int(net_demand)
        if 0 <= m_sell <= len(sells):
            surplus = sum(buys[:m_buy]) - sum(sells[:m_sell])
            best = surplus if best is None else max(best, surplus)
    return best


def supported(accepted: list[Order], divisible: list[Order], p: float) -> bool:
    """Does price `p` support an allocation with exactly `accepted` filled among the AON orders:
    accepted buys' limits >= p, sells' <= p, and divisible orders above (below) p filled whole,
    below (above) p not at all, at p anywhere, with the book balanced?"""
    if any(o.limit < p if o.side is Side.BUY else o.limit > p for o in accepted):
        return False
    fixed = sum(o.quantity if o.side is Side.BUY else -o.quantity for o in accepted)

    def total(side: Side, strict: bool) -> float:
        inside = (lambda v: v > p) if side is Side.BUY else (lambda v: v < p)
        if not strict:
            inside = (lambda v: v >= p) if side is Side.BUY else (lambda v: v <= p)
        return sum(o.quantity for o in divisible if o.side is side and inside(o.limit))

    least = fixed + total(Side.BUY, True) - total(Side.SELL, False)
    most = fixed + total(Side.BUY, False) - total(Side.SELL, True)
    return least <= 0 <= most


def oracle(orders: list[Order]) -> float:
    """The best surplus over acceptance sets that some price supports."""
    blocks = [o for o in orders if o.all_or_nothing]
    divisible = [o for o in orders if not o.all_or_nothing]
    limits = sorted({o.limit for o in orders})
    prices = limits + [(a + b) / 2 for a, b in itertools.pairwise(limits)]
    best = 0.0
    for n in range(len(blocks) + 1):
        for accepted in itertools.combinations(blocks, n):
            net = sum(o.quantity if o.side is Side.BUY else -o.quantity for o in accepted)
            rest = best_divisible(divisible, net)
            if rest is None or not any(supported(list(accepted), divisible, p) for p in prices):
                continue
            fixed = sum(o.limit * o.quantity * (1 if o.side is Side.BUY else -1) for o in accepted)
            best = max(best, fixed + rest)
    return best


def surplus(result: Clearing, orders: list[Order]) -> float:
    by_id = {o.id: o for o in orders}
    signed = (
        f.quantity * by_id[f.order].limit * (1 if by_id[f.order].side is Side.BUY else -1)
        for f in result.fills
    )
    return sum(signed)


@FAST
@given(aon_books())
def test_the_surplus_is_the_best_that_a_price_supports(orders: list[Order]) -> None:
    result = clear(orders)
    assert result.products["P"].method == "milp" and result.products["P"].optimal
    assert surplus(result, orders) == pytest.approx(oracle(orders), abs=1e-6)


@FAST
@given(aon_books())
def test_fills_respect_limits_and_blocks_fill_whole(orders: list[Order]) -> None:
    result = clear(orders, integral=True)
    p = result.products["P"]
    by_id = {o.id: o for o in orders}
    bought = sold = 0.0
    for fill in result.fills:
        o = by_id[fill.order]
        assert fill.quantity.is_integer() and 0 < fill.quantity <= o.quantity
        if o.all_or_nothing:
            assert fill.quantity == o.quantity
        assert fill.price == p.price
        assert fill.price <= o.limit if o.side is Side.BUY else fill.price >= o.limit
        bought += fill.quantity if o.side is Side.BUY else 0
        sold += fill.quantity if o.side is Side.SELL else 0
    assert bought == sold == p.traded
    if p.price is not None:
        assert p.interval is not None and p.interval[0] <= p.price <= p.interval[1]
    assert json.dumps(clear(orders, integral=True).to_dict()) == json.dumps(result.to_dict())


def test_a_block_that_no_price_supports_is_cut() -> None:
    orders = [
        Order("gang", Side.BUY, "P", 10, 10, all_or_nothing=True),
        Order("small", Side.BUY, "P", 3, 4),
        Order("cheap", Side.SELL, "P", 5, 2),
        Order("dear", Side.SELL, "P", 10, 12),
    ]
    # Accepting the gang is worth 100 - 5*2 - 5*12 = 30 > 6, but then `dear` is partly filled,
    # so the price is 12 and the gang would pay above its limit: it is rejected.
    result = clear(orders)
    assert surplus(result, orders) == pytest.approx(6.0)
    assert {f.order: f.quantity for f in result.fills} == {"small": 3, "cheap": 3}
    assert {u.order: u.reason for u in result.unfilled}["gang"] == Reason.ALL_OR_NOTHING
    assert result.products["P"].price == 2.0


def test_divisible_orders_behind_a_block_that_does_not_fit() -> None:
    orders = [Order("b", Side.BUY, "P", 5, 20), Order("s", Side.SELL, "P", 10, 10, True)]
    result = clear(orders)
    assert result.products["P"].traded == 0
    assert [u.reason for u in result.unfilled] == ["all_or_nothing", "all_or_nothing"]


def test_only_products_with_blocks_use_the_milp() -> None:
    orders = [
        Order("g", Side.BUY, "P", 2, 10, True),
        Order("s", Side.SELL, "P", 2, 5),
        Order("b", Side.BUY, "Q", 2, 10),
        Order("t", Side.SELL, "Q", 2, 5),
    ]
    result = clear(orders)
    assert {n: p.method for n, p in result.products.items()} == {"P": "milp", "Q": "uniform"}


def test_a_search_that_runs_out_says_it_is_not_optimal(monkeypatch) -> None:
    monkeypatch.setattr(aon, "MAX_CUTS", 0)
    orders = [
        Order("gang", Side.BUY, "P", 10, 10, all_or_nothing=True),
        Order("cheap", Side.SELL, "P", 5, 2),
        Order("dear", Side.SELL, "P", 10, 12),
    ]
    p = clear(orders).products["P"]
    assert (p.method, p.optimal, p.traded) == ("milp", False, 0.0)
    assert clear(orders).to_dict()["products"]["P"]["optimal"] is False
