"""The call market (issue 10): every product's book cleared at once, at one price per product.

A pure function of the orders, with no I/O and no clock: the same orders, in the same sequence,
give the same `Clearing`, byte for byte (`to_dict`). Each product is cleared on its own.

Book order
    bids b_1, b_2, … by limit, highest first; asks s_1, s_2, … by limit, lowest first; ties in
    limit go to the order earlier in the input (time priority). Quantities are any unit (the
    exchange uses GPU-hours), limits yuan per unit: a buy's most, a sell's least.
Uniform rule (`Rule.UNIFORM`, divisible orders)
    D(p) = Σ {q_b : v_b ≥ p},  S(p) = Σ {q_s : v_s ≤ p};  traded volume Q = max_p min(D(p), S(p)),
    reached by matching the bid and ask curves in book order while the next bid's limit is at
    least the next ask's (so only the marginal bid and ask may be partly filled, and whole
    quantities give whole fills). The market-clearing interval [lo, hi] is every price p at
    which that allocation clears: v ≥ p for every filled buy, v ≤ p for every filled sell,
    v ≤ p for every buy not wholly filled, v ≥ p for every sell not wholly filled; so
        lo = max(filled sells' limits, not wholly filled buys' limits)
        hi = min(filled buys' limits, not wholly filled sells' limits)
    and the price is (lo + hi) / 2. When nothing trades the price is None and the interval, if
    both sides have orders, is [best bid, best ask].
McAfee rule (`Rule.MCAFEE`, McAfee 1992, truthful for unit orders; whole quantities only)
    An order of q units is q unit orders at its limit. k = Q is the efficient number of units;
    b_j, s_j are the limits of the j-th unit bid and ask. When b_{k+1} and s_{k+1} both exist,
    p0 = (b_{k+1} + s_{k+1}) / 2; if s_k ≤ p0 ≤ b_k all k units trade at p0. Otherwise (p0 out
    of range or undefined) the first k − 1 units trade, buyers pay b_k, sellers receive s_k,
    and the platform keeps (b_k − s_k) per unit. Units, not orders, are reduced: the orders
    holding the k-th unit bid and ask lose one unit. The interval is the uniform rule's.
All-or-nothing orders (any rule; `method` "milp")
    A product with an all-or-nothing order is cleared by the MILP of `suanli.market.aon`
    (maximise Σ v_b x_b − Σ v_s x_s, Σ x_b = Σ x_s, AON fills 0 or whole), then priced as in
    EUPHEMIA: [lo, hi] as above over the divisible orders and the accepted AON orders (an AON
    order may be paradoxically rejected, never paradoxically accepted). An acceptance set that
    no price supports is cut and the MILP solved again. The divisible fills for the chosen set
    are the uniform rule's walk with the accepted AON orders first on their side (so time
    priority holds). `optimal` is False when HiGHS stopped at `time_limit_s` (shared by all of
    a clearing's MILPs) before proving the acceptance set best.

Reason codes of `Unfilled` (an order with nothing filled; partly filled orders are in `fills`)
    no_counterparty     no order on the other side of its product
    no_crossing         nothing traded and its limit meets no limit on the other side
    limit_below_price   a buy whose limit is below the price
    limit_above_price   a sell whose limit is above the (seller's) price
    rationed            its limit equals the price; that volume went to earlier orders
    trade_reduction     McAfee: an efficient unit that the reduction took out
    all_or_nothing      it would trade at the price (nothing traded: its limit meets one on the
                        other side), but all-or-nothing conditions, its own or others', leave
                        it out
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np

from suanli.errors import InvalidValueError
from suanli.market.aon import AonBook, search
from suanli.market.money import share, to_fen

INF = math.inf
DONE = 1e-9
"""A lot whose rest is below this share of its quantity is wholly filled (float rounding)."""


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class Rule(StrEnum):
    UNIFORM = "uniform"
    MCAFEE = "mcafee"


class Reason(StrEnum):
    """Why an order got nothing (module docstring)."""

    NO_COUNTERPARTY = "no_counterparty"
    NO_CROSSING = "no_crossing"
    LIMIT_BELOW_PRICE = "limit_below_price"
    LIMIT_ABOVE_PRICE = "limit_above_price"
    RATIONED = "rationed"
    TRADE_REDUCTION = "trade_reduction"
    ALL_OR_NOTHING = "all_or_nothing"


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    side: Side
    product: str
    quantity: float
    limit: float
    """Yuan per unit: a buy's most, a sell's least (its reserve or ask)."""
    all_or_nothing: bool = False


@dataclass(frozen=True, slots=True)
class Trade:
    """One buy matched to one sell; money moves per trade (`trade_amounts_fen`)."""

    buy: str
    sell: str
    product: str
    quantity: float
    buyer_price: float
    seller_price: float
    """Before the fee; below `buyer_price` only in McAfee's reduced case."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "buy": self.buy,
            "sell": self.sell,
            "product": self.product,
            "gpu_hours": self.quantity,
            "buyer_price_yuan_per_gpu_hour": self.buyer_price,
            "seller_price_yuan_per_gpu_hour": self.seller_price,
        }


@dataclass(frozen=True, slots=True)
class Fill:
    """An order's total fill and its price (the buyer's or the seller's)."""

    order: str
    quantity: float
    price: float


@dataclass(frozen=True, slots=True)
class Unfilled:
    order: str
    reason: str
    """A `Reason` code."""


@dataclass(frozen=True, slots=True)
class ProductClearing:
    product: str
    price: float | None
    seller_price: float | None
    traded: float
    interval: tuple[float, float] | None
    method: str
    """"uniform", "mcafee" or "milp"."""
    optimal: bool = True
    """False when a MILP stopped at its time limit before proving its acceptance set best."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "price_yuan_per_gpu_hour": self.price,
            "traded_gpu_hours": self.traded,
            "seller_price_yuan_per_gpu_hour": self.seller_price,
            "interval_yuan_per_gpu_hour": list(self.interval) if self.interval else None,
            "method": self.method,
            "optimal": self.optimal,
        }


@dataclass(frozen=True, slots=True)
class Clearing:
    products: dict[str, ProductClearing]
    fills: tuple[Fill, ...]
    trades: tuple[Trade, ...]
    unfilled: tuple[Unfilled, ...]

    def to_dict(self) -> dict[str, Any]:
        """The `suanli market clear --json` document."""
        return {
            "products": {name: p.to_dict() for name, p in self.products.items()},
            "fills": [
                {"order": f.order, "gpu_hours": f.quantity, "price_yuan_per_gpu_hour": f.price}
                for f in self.fills
            ],
            "trades": [t.to_dict() for t in self.trades],
            "unfilled": [{"order": u.order, "reason": str(u.reason)} for u in self.unfilled],
        }


def clear(
    orders: Sequence[Order],
    rule: Rule = Rule.UNIFORM,
    *,
    integral: bool = False,
    time_limit_s: float = 10.0,
) -> Clearing:
    """Clear every product's book (module docstring). `integral` requires whole quantities (so
    every fill is whole) and makes the MILP's fills integer; raises `InvalidValueError` for
    orders that are not valid (duplicate ids, quantity <= 0, negative or infinite limits)."""
    if rule not in RULES:
        raise InvalidValueError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")
    rule = Rule(rule)
    _validate(orders, whole=integral or rule is Rule.MCAFEE, time_limit_s=time_limit_s)
    books: dict[str, list[Order]] = {}
    for order in orders:
        books.setdefault(order.product, []).append(order)
    results, left = [], time_limit_s
    for product in sorted(books):
        book = _Book.of(books[product])
        if any(o.all_or_nothing for o in books[product]):
            result = _milp(book, integral, left)
            left = max(0.0, left - result.seconds)
        else:
            result = RULES[rule](book)
        results.append(result)
    return _assemble(orders, results)


def trade_amounts_fen(trade: Trade, fee_bp: int) -> tuple[int, int, int]:
    """(buyer pays, seller receives, platform keeps) in fen: the buyer pays quantity × buyer
    price, the seller receives quantity × seller price less `fee_bp` of it, the platform keeps
    the rest (the fee and, in McAfee's reduced case, the budget surplus): buyer = seller +
    platform exactly."""
    quantity = Decimal(str(trade.quantity))
    buyer = to_fen(quantity * Decimal(str(trade.buyer_price)))
    gross = to_fen(quantity * Decimal(str(trade.seller_price)))
    seller = gross - share(gross, fee_bp)
    return buyer, seller, buyer - seller


# --- one product ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Lot:
    """An order in the walk: the limit it crosses at (±inf for an accepted AON order, which
    goes first) and the quantity left."""

    order: Order
    rank: float
    left: float

    @property
    def done(self) -> bool:
        return self.left <= DONE * self.order.quantity

    @property
    def filled(self) -> bool:
        return self.left < self.order.quantity


@dataclass(frozen=True, slots=True)
class _Book:
    product: str
    bids: tuple[Order, ...]
    asks: tuple[Order, ...]

    @classmethod
    def of(cls, orders: list[Order]) -> _Book:
        bids = sorted((o for o in orders if o.side is Side.BUY), key=lambda o: -o.limit)
        asks = sorted((o for o in orders if o.side is Side.SELL), key=lambda o: o.limit)
        return cls(orders[0].product, tuple(bids), tuple(asks))

    def lots(self, accepted: frozenset[str] | None = None) -> tuple[list[_Lot], list[_Lot]]:
        """Fresh lots in book order; with `accepted`, only the AON orders in it, first."""

        def lot(o: Order, first: float) -> _Lot:
            return _Lot(o, first if o.all_or_nothing else o.limit, o.quantity)

        keep = [
            o for o in self.bids + self.asks if not o.all_or_nothing or o.id in (accepted or ())
        ]
        bids = sorted((lot(o, INF) for o in keep if o.side is Side.BUY), key=lambda x: -x.rank)
        asks = sorted((lot(o, -INF) for o in keep if o.side is Side.SELL), key=lambda x: x.rank)
        return bids, asks


@dataclass(frozen=True, slots=True)
class _Result:
    clearing: ProductClearing
    trades: list[Trade]
    book: _Book
    quote: tuple[float, float] | None = None
    """The (buyer, seller) prices the rule set, even when nothing traded at them (McAfee's
    reduction of a single unit); the reasons compare limits with them."""
    reduced: frozenset[str] = frozenset()
    """McAfee: orders in the efficient allocation that the reduction left with nothing."""
    seconds: float = 0.0


@dataclass(slots=True)
class _Walk:
    """The matches of a walk down the book: (bid lot, ask lot, quantity)."""

    matches: list[tuple[_Lot, _Lot, float]] = field(default_factory=list)

    @property
    def volume(self) -> float:
        return sum(q for _, _, q in self.matches)


def _walk(bids: list[_Lot], asks: list[_Lot], cap: float = INF) -> _Walk:
    """Match bids and asks in book order while the bid's rank meets the ask's, up to `cap`."""
    walk, i, j, volume = _Walk(), 0, 0, 0.0
    while i < len(bids) and j < len(asks) and bids[i].rank >= asks[j].rank and volume < cap:
        bid, ask = bids[i], asks[j]
        q = min(bid.left, ask.left, cap - volume)
        walk.matches.append((bid, ask, q))
        bid.left, ask.left, volume = bid.left - q, ask.left - q, volume + q
        if bid.done:
            bid.left, i = 0.0, i + 1
        if ask.done:
            ask.left, j = 0.0, j + 1
    return walk


def _interval(bids: list[_Lot], asks: list[_Lot]) -> tuple[float, float]:
    """[lo, hi] of the module docstring over the lots (rejected AON orders are not lots)."""
    lo, hi = -INF, INF
    for lot in bids:
        hi = min(hi, lot.order.limit) if lot.filled else hi
        lo = max(lo, lot.order.limit) if lot.left > 0 and not lot.order.all_or_nothing else lo
    for lot in asks:
        lo = max(lo, lot.order.limit) if lot.filled else lo
        hi = min(hi, lot.order.limit) if lot.left > 0 and not lot.order.all_or_nothing else hi
    return lo, hi


def _midpoint(lo: float, hi: float) -> float:
    return min(max((lo + hi) / 2, lo), hi)


def _priced(
    book: _Book,
    walk: _Walk,
    bounds: tuple[float, float],
    quote: tuple[float, float] | None,
    method: str,
) -> _Result:
    """The product's result: the walk's trades at the (buyer, seller) prices `quote`."""
    lo, hi = bounds
    interval = (float(lo), float(hi)) if math.isfinite(lo) and math.isfinite(hi) else None
    if quote is None or not walk.matches:
        clearing = ProductClearing(book.product, None, None, 0.0, interval, method)
        return _Result(clearing, [], book, quote)
    buyer, seller = float(quote[0]), float(quote[1])
    trades = [
        Trade(b.order.id, a.order.id, book.product, float(q), buyer, seller)
        for b, a, q in walk.matches
    ]
    clearing = ProductClearing(book.product, buyer, seller, float(walk.volume), interval, method)
    return _Result(clearing, trades, book, quote)


def _uniform(book: _Book) -> _Result:
    bids, asks = book.lots()
    walk = _walk(bids, asks)
    lo, hi = _interval(bids, asks)
    price = _midpoint(lo, hi)
    quote = (price, price) if walk.matches else None
    return _priced(book, walk, (lo, hi), quote, Rule.UNIFORM.value)


def _mcafee(book: _Book) -> _Result:
    bids, asks = book.lots()
    walk = _walk(bids, asks)
    bounds = _interval(bids, asks)
    method = Rule.MCAFEE.value
    if not walk.matches:
        return _priced(book, walk, bounds, None, method)
    b_k, s_k = walk.matches[-1][0].order.limit, walk.matches[-1][1].order.limit
    b_next = next((x.order.limit for x in bids if x.left > 0), None)
    s_next = next((x.order.limit for x in asks if x.left > 0), None)
    p0 = (b_next + s_next) / 2 if b_next is not None and s_next is not None else None
    if p0 is not None and s_k <= p0 <= b_k:
        return _priced(book, walk, bounds, (p0, p0), method)
    bids, asks = book.lots()
    reduced = _walk(bids, asks, cap=walk.volume - 1)
    result = _priced(book, reduced, bounds, (b_k, s_k), method)
    left_out = _traders(walk) - _traders(reduced)
    return replace(result, reduced=frozenset(left_out))


def _traders(walk: _Walk) -> set[str]:
    return {lot.order.id for bid, ask, _ in walk.matches for lot in (bid, ask)}


RULES: dict[Rule, Callable[[_Book], _Result]] = {Rule.UNIFORM: _uniform, Rule.MCAFEE: _mcafee}
"""The clearing of a divisible book under each rule."""


def _milp(book: _Book, integral: bool, time_limit_s: float) -> _Result:
    columns = book.bids + book.asks
    ids = [o.id for o in columns]

    def allocate(accepted: frozenset[int]) -> tuple[_Walk, tuple[float, float]] | None:
        """The walk for AON columns `accepted`, and its bounds; None when it cannot fill them."""
        bids, asks = book.lots(frozenset(ids[i] for i in accepted))
        walk = _walk(bids, asks)
        if any(x.order.all_or_nothing and x.left > 0 for x in bids + asks):
            return None
        return walk, _interval(bids, asks)

    def priced(accepted: frozenset[int]) -> bool:
        found = allocate(accepted)
        return found is not None and found[1][0] <= found[1][1]

    arrays = AonBook(
        quantity=np.array([o.quantity for o in columns], dtype=np.float64),
        limit=np.array([o.limit for o in columns], dtype=np.float64),
        buy=np.array([o.side is Side.BUY for o in columns]),
        all_or_nothing=np.array([o.all_or_nothing for o in columns]),
        integral=integral,
    )
    found = search(arrays, priced, time_limit_s)
    allocated = allocate(found.accepted)
    if allocated is None:  # the empty set always fills
        raise AssertionError("the divisible orders alone could not be allocated")
    walk, (lo, hi) = allocated
    price = _midpoint(lo, hi)
    result = _priced(book, walk, (lo, hi), (price, price) if walk.matches else None, "milp")
    clearing = replace(result.clearing, optimal=found.optimal)
    return replace(result, clearing=clearing, seconds=found.seconds)


# --- the whole clearing ---------------------------------------------------------------------


def _assemble(orders: Sequence[Order], results: list[_Result]) -> Clearing:
    filled: dict[str, float] = {}
    price: dict[str, float] = {}
    for trade in (t for r in results for t in r.trades):
        filled[trade.buy] = filled.get(trade.buy, 0.0) + trade.quantity
        filled[trade.sell] = filled.get(trade.sell, 0.0) + trade.quantity
        price[trade.buy], price[trade.sell] = trade.buyer_price, trade.seller_price
    by_product = {r.clearing.product: r for r in results}
    fills, unfilled = [], []
    for order in orders:
        if order.id in filled:
            whole = abs(filled[order.id] - order.quantity) <= DONE * order.quantity
            quantity = order.quantity if whole else filled[order.id]
            fills.append(Fill(order.id, float(quantity), price[order.id]))
        else:
            unfilled.append(Unfilled(order.id, _reason(order, by_product[order.product])))
    return Clearing(
        products={r.clearing.product: r.clearing for r in results},
        fills=tuple(fills),
        trades=tuple(t for r in results for t in r.trades),
        unfilled=tuple(unfilled),
    )


def _reason(order: Order, result: _Result) -> Reason:
    buy = order.side is Side.BUY
    others = result.book.asks if buy else result.book.bids
    if not others:
        return Reason.NO_COUNTERPARTY
    if order.id in result.reduced:
        return Reason.TRADE_REDUCTION
    price = None if result.quote is None else result.quote[0 if buy else 1]
    if price is None:
        best = others[0].limit
        meets = order.limit >= best if buy else order.limit <= best
        return Reason.ALL_OR_NOTHING if meets else Reason.NO_CROSSING
    if order.limit < price if buy else order.limit > price:
        return Reason.LIMIT_BELOW_PRICE if buy else Reason.LIMIT_ABOVE_PRICE
    return Reason.ALL_OR_NOTHING if order.all_or_nothing else Reason.RATIONED


def _validate(orders: Sequence[Order], *, whole: bool, time_limit_s: float) -> None:
    if not (time_limit_s > 0 and math.isfinite(time_limit_s)):
        raise InvalidValueError(f"time_limit_s must be a finite number > 0, got {time_limit_s}")
    seen: dict[str, int] = {}
    for n, order in enumerate(orders):
        if not isinstance(order.id, str) or not order.id or order.id in seen:
            first = f" (first at position {seen[order.id]})" if order.id in seen else ""
            raise InvalidValueError(
                f"order ids must be unique, non-empty strings; {order.id!r} at position {n} "
                f"is not{first}"
            )
        seen[order.id] = n
        _validate_order(order, whole)


def _validate_order(order: Order, whole: bool) -> None:
    name = f"order {order.id!r}"
    if not isinstance(order.side, Side):
        raise InvalidValueError(f"{name}: side must be buy or sell, got {order.side!r}")
    if not isinstance(order.product, str) or not order.product:
        raise InvalidValueError(f"{name}: product must be a non-empty string")
    if not (order.quantity > 0 and math.isfinite(order.quantity)):
        raise InvalidValueError(f"{name}: quantity must be finite and > 0, got {order.quantity}")
    if not (order.limit >= 0 and math.isfinite(order.limit)):
        raise InvalidValueError(f"{name}: limit must be finite and >= 0, got {order.limit}")
    if whole and not float(order.quantity).is_integer():
        raise InvalidValueError(
            f"{name}: quantity {order.quantity} is not whole; the McAfee rule and integral "
            "clearing trade whole units (round it, or clear with the uniform rule)"
        )
