"""The uniform-price call market against definitions written here: the traded volume is the most
at which bids meet asks (brute force over every limit as the price), fills respect limits and
priority, the price lies in an interval that is exactly the set of prices clearing the
allocation, money is conserved to the fen, and the same book gives the same bytes."""

from __future__ import annotations

import json
import math
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suanli.errors import InvalidValueError
from suanli.market.clearing import (
    Clearing,
    Order,
    Reason,
    Rule,
    Side,
    Trade,
    clear,
    trade_amounts_fen,
)
from suanli.market.money import share

FAST = settings(max_examples=100, deadline=None)
EPS = 1e-6

QUANTITIES = st.one_of(st.integers(1, 20).map(float), st.integers(1, 80).map(lambda n: n / 4))
LIMITS = st.one_of(st.integers(0, 12).map(float), st.integers(0, 24).map(lambda n: n / 2))


@st.composite
def books(draw: st.DrawFn, products: tuple[str, ...] = ("A", "B"), quantities=QUANTITIES):
    n = draw(st.integers(0, 14))
    return [
        Order(
            id=f"o{i}",
            side=draw(st.sampled_from(Side)),
            product=draw(st.sampled_from(products)),
            quantity=draw(quantities),
            limit=draw(LIMITS),
        )
        for i in range(n)
    ]


def filled(result: Clearing) -> dict[str, float]:
    return {f.order: f.quantity for f in result.fills}


def by_product(orders: list[Order]) -> dict[str, list[Order]]:
    grouped: dict[str, list[Order]] = defaultdict(list)
    for o in orders:
        grouped[o.product].append(o)
    return grouped


def best_volume(orders: list[Order]) -> float:
    """max over p of min(demand at p, supply at p), p over every limit (the step points)."""
    best = 0.0
    for p in {o.limit for o in orders}:
        demand = sum(o.quantity for o in orders if o.side is Side.BUY and o.limit >= p)
        supply = sum(o.quantity for o in orders if o.side is Side.SELL and o.limit <= p)
        best = max(best, min(demand, supply))
    return best


def clears_at(p: float, orders: list[Order], fills: dict[str, float]) -> bool:
    """The definition of a market-clearing price for the allocation `fills`."""
    for o in orders:
        got = fills.get(o.id, 0.0)
        whole = math.isclose(got, o.quantity)
        buy = o.side is Side.BUY
        if got > 0 and (o.limit < p if buy else o.limit > p):
            return False
        if not whole and (o.limit > p if buy else o.limit < p):
            return False
    return True


@FAST
@given(books())
def test_traded_volume_is_the_most_at_which_bids_meet_asks(orders: list[Order]) -> None:
    result = clear(orders)
    fills = filled(result)
    for product, book in by_product(orders).items():
        traded = result.products[product].traded
        assert traded == pytest.approx(best_volume(book), abs=EPS)
        for side in Side:
            on_side = sum(fills.get(o.id, 0.0) for o in book if o.side is side)
            assert on_side == pytest.approx(traded, abs=EPS)


@FAST
@given(books())
def test_every_fill_respects_its_limit_and_quantity(orders: list[Order]) -> None:
    result = clear(orders)
    by_id = {o.id: o for o in orders}
    for fill in result.fills:
        o = by_id[fill.order]
        assert 0 < fill.quantity <= o.quantity + EPS
        assert fill.price <= o.limit if o.side is Side.BUY else fill.price >= o.limit
    for trade in result.trades:
        assert by_id[trade.buy].side is Side.BUY and by_id[trade.sell].side is Side.SELL
        assert by_id[trade.buy].product == by_id[trade.sell].product == trade.product
    assert {f.order for f in result.fills}.isdisjoint(u.order for u in result.unfilled)
    assert {f.order for f in result.fills} | {u.order for u in result.unfilled} == set(by_id)


@FAST
@given(books())
def test_better_and_earlier_orders_fill_first(orders: list[Order]) -> None:
    fills = filled(clear(orders))
    position = {o.id: i for i, o in enumerate(orders)}
    for book in by_product(orders).values():
        for a in book:
            for b in book:
                if a.side is not b.side or fills.get(b.id, 0.0) == 0:
                    continue
                better = a.limit > b.limit if a.side is Side.BUY else a.limit < b.limit
                earlier = a.limit == b.limit and position[a.id] < position[b.id]
                if better or earlier:
                    assert fills.get(a.id, 0.0) == pytest.approx(a.quantity), (a, b)


@FAST
@given(books())
def test_the_price_lies_in_the_interval_of_every_clearing_price(orders: list[Order]) -> None:
    result = clear(orders)
    fills = filled(result)
    for product, book in by_product(orders).items():
        p = result.products[product]
        if p.traded == 0:
            bids = [o.limit for o in book if o.side is Side.BUY]
            asks = [o.limit for o in book if o.side is Side.SELL]
            assert p.price is None and p.seller_price is None
            assert p.interval == ((max(bids), min(asks)) if bids and asks else None)
            continue
        assert p.interval is not None and p.price == p.seller_price
        lo, hi = p.interval
        assert lo <= p.price <= hi
        assert p.price == pytest.approx((lo + hi) / 2)
        for inside in (lo, hi, p.price):
            assert clears_at(inside, book, fills)
        assert not clears_at(lo - EPS, book, fills)
        assert not clears_at(hi + EPS, book, fills)


@FAST
@given(books(), st.integers(0, 10_000))
def test_buyers_pay_exactly_what_sellers_receive_plus_the_fee(
    orders: list[Order], fee_bp: int
) -> None:
    result = clear(orders)
    paid = received = kept = 0
    for trade in result.trades:
        buyer, seller, platform = trade_amounts_fen(trade, fee_bp)
        assert buyer == seller + platform
        gross = round(trade.quantity * trade.seller_price * 100)
        assert platform == share(gross, fee_bp)  # uniform: buyer price = seller price
        paid, received, kept = paid + buyer, received + seller, kept + platform
    assert paid == received + kept


@FAST
@given(books())
def test_the_same_book_gives_the_same_bytes(orders: list[Order]) -> None:
    first = json.dumps(clear(orders).to_dict())
    assert json.dumps(clear(tuple(orders)).to_dict()) == first
    assert json.dumps(clear(list(orders)).to_dict()) == first


@FAST
@given(books(quantities=st.integers(1, 20).map(float)))
def test_whole_quantities_give_whole_fills(orders: list[Order]) -> None:
    result = clear(orders, integral=True)
    assert all(f.quantity.is_integer() for f in result.fills)
    assert all(t.quantity.is_integer() for t in result.trades)
    assert result == clear(orders)


@FAST
@given(books())
def test_reasons_agree_with_the_price(orders: list[Order]) -> None:
    result = clear(orders)
    by_id = {o.id: o for o in orders}
    for u in result.unfilled:
        o, p = by_id[u.order], result.products[by_id[u.order].product]
        if u.reason == Reason.LIMIT_BELOW_PRICE:
            assert o.side is Side.BUY and p.price is not None and o.limit < p.price
        elif u.reason == Reason.LIMIT_ABOVE_PRICE:
            assert o.side is Side.SELL and p.seller_price is not None and o.limit > p.seller_price
        elif u.reason == Reason.RATIONED:
            assert o.limit == p.price
        else:
            assert u.reason in {Reason.NO_COUNTERPARTY, Reason.NO_CROSSING}
            assert p.traded == 0


def buy(id: str, q: float, v: float, product: str = "P") -> Order:
    return Order(id, Side.BUY, product, q, v)


def sell(id: str, q: float, v: float, product: str = "P") -> Order:
    return Order(id, Side.SELL, product, q, v)


def test_a_worked_book() -> None:
    orders = [buy("b1", 10, 12), buy("b2", 5, 10), sell("s1", 8, 9), sell("s2", 10, 11)]
    result = clear(orders)
    p = result.products["P"]
    assert (p.traded, p.interval, p.price, p.method) == (10.0, (11.0, 11.0), 11.0, "uniform")
    assert filled(result) == {"b1": 10, "s1": 8, "s2": 2}
    assert [(t.buy, t.sell, t.quantity) for t in result.trades] == [
        ("b1", "s1", 8),
        ("b1", "s2", 2),
    ]
    assert [(u.order, u.reason) for u in result.unfilled] == [("b2", "limit_below_price")]


def test_ties_fill_in_input_order_and_the_rest_is_rationed() -> None:
    result = clear([sell("s", 5, 10), buy("late", 4, 10), buy("early", 4, 10)][::1])
    assert filled(result) == {"s": 5, "late": 4, "early": 1}
    result = clear([sell("s", 4, 10), buy("first", 4, 10), buy("second", 4, 10)])
    assert [(u.order, u.reason) for u in result.unfilled] == [("second", "rationed")]


def test_no_counterparty_and_no_crossing() -> None:
    result = clear([buy("alone", 1, 5, "X"), buy("b", 1, 5), sell("s", 1, 6)])
    reasons = {u.order: u.reason for u in result.unfilled}
    assert reasons == {"alone": "no_counterparty", "b": "no_crossing", "s": "no_crossing"}
    assert result.products["P"].interval == (5.0, 6.0)
    assert result.products["X"].interval is None


def test_trade_amounts_in_fen() -> None:
    trade = Trade("b", "s", "P", 3.0, 12.5, 12.5)
    assert trade_amounts_fen(trade, 500) == (3750, 3562, 188)  # the fee 187.5 rounds to even
    reduced = Trade("b", "s", "P", 2.0, 12.0, 11.0)
    assert trade_amounts_fen(reduced, 0) == (2400, 2200, 200)


def test_to_dict_is_the_cli_document() -> None:
    doc = clear([buy("b", 2, 12), sell("s", 2, 10)]).to_dict()
    assert doc["products"]["P"] == {
        "price_yuan_per_gpu_hour": 11.0,
        "traded_gpu_hours": 2.0,
        "seller_price_yuan_per_gpu_hour": 11.0,
        "interval_yuan_per_gpu_hour": [10.0, 12.0],
        "method": "uniform",
        "optimal": True,
    }
    assert doc["fills"][0] == {"order": "b", "gpu_hours": 2.0, "price_yuan_per_gpu_hour": 11.0}
    assert doc["unfilled"] == [] and len(doc["trades"]) == 1


@pytest.mark.parametrize(
    ("orders", "kwargs", "message"),
    [
        ([buy("x", 1, 1), sell("x", 1, 1)], {}, "unique"),
        ([buy("", 1, 1)], {}, "unique"),
        ([buy("b", 0, 1)], {}, "quantity must be finite and > 0"),
        ([buy("b", math.inf, 1)], {}, "quantity must be finite and > 0"),
        ([buy("b", math.nan, 1)], {}, "quantity must be finite and > 0"),
        ([buy("b", 1, -1)], {}, "limit must be finite and >= 0"),
        ([buy("b", 1, math.nan)], {}, "limit must be finite and >= 0"),
        ([Order("b", "buy", "P", 1, 1)], {}, "side must be buy or sell"),  # type: ignore[arg-type]
        ([buy("b", 1, 1, "")], {}, "product"),
        ([buy("b", 1.5, 1)], {"integral": True}, "not whole"),
        ([buy("b", 1.5, 1)], {"rule": Rule.MCAFEE}, "not whole"),
        ([buy("b", 1, 1)], {"time_limit_s": 0}, "time_limit_s"),
    ],
)
def test_invalid_orders_are_refused(orders, kwargs, message) -> None:
    with pytest.raises(InvalidValueError, match=message):
        clear(orders, **kwargs)
