"""The money and quantity rules of the exchange's market orders (`POST /v1/orders`): pure
functions over values. The store posts what they decide, in the transaction that changes the
order; the clearing itself is `suanli.market.clearing`.

An order is for whole GPUs over the exchange's market period of h hours, at a limit of L yuan
per GPU-hour; m is the minimum billable GPU-hours per GPU (`suanli.market.billing`).

    per GPU      c = ⌈max(h, m) × L × 100⌉ fen                     rounded up, once per GPU
    buy          holds H(g) = g × c at submission                  wallet -> escrow
    a fill       q GPUs at the buyer's clearing price p ≤ L:
                   release  q × c                                 escrow -> wallet (refund)
                   line     line_hold(q × h × p, q, p, m)          wallet -> escrow (the line's
                                                                  hold, `billing.line_hold`)
                 the order then holds H(g − q), to the fen
    cancel       whatever the order still holds                    escrow -> wallet
    sell         holds nothing; it asks a = max(its limit, the pool's reserve now, one fen),
                 and offers at most the GPUs its pool has free, shared among the pool's sells in
                 the order they came (`offered_gpus`)

Why per GPU and rounded up: a fill's release is then exactly its GPUs' share of the hold, and
it always covers the line the fill pays for, because line_hold rounds q × max(h, m) × p × 100
half to even, which is at most ⌈q × max(h, m) × L × 100⌉ ≤ q × c. So a fill never needs money
beyond its order's hold (the wallet ends no lower than before the fill), and every entry sums
to zero. A buy holds at most one fen per GPU more than g × max(h, m) × L.

The platform's fee: a line of a fill is settled like any quoted line, its charge less
`fee_bp` to the supplier (`suanli.market.settlement`). Where the clearing rule pays the seller
less than the buyer (McAfee's trade reduction), the platform keeps that spread too: the line's
fee is `line_fee_bp` (module function), rounded up to a whole basis point, so a supplier never
receives more than its clearing price less the platform fee (`clearing.trade_amounts_fen`), to
within a fen of rounding, and less by under a basis point of the charge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal

from suanli.errors import InvalidValueError
from suanli.market.billing import line_hold
from suanli.market.clearing import Order, Side
from suanli.market.ledger import Entry, hold, refund
from suanli.market.money import BASIS_POINTS, FEN_PER_YUAN, MAX_FEN


@dataclass(frozen=True, slots=True)
class FillMoney:
    """What one fill of a buy moves: `released_fen` of the order's hold goes back to the
    wallet, and the line it buys holds `line_fen` (at least `minimum_fen`)."""

    released_fen: int
    line_fen: int
    minimum_fen: int


def per_gpu_hold_fen(hours: float, limit_yuan_per_gpu_hour: float, min_gpu_hours: float) -> int:
    """c = ⌈max(h, m) × L × 100⌉ fen (module docstring)."""
    exact = max(Decimal(str(hours)), Decimal(str(min_gpu_hours)))
    exact *= Decimal(str(limit_yuan_per_gpu_hour)) * FEN_PER_YUAN
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def order_hold_fen(
    gpus: int, hours: float, limit_yuan_per_gpu_hour: float, min_gpu_hours: float
) -> int:
    """H(g): what a buy of `gpus` holds; refused when it is nothing or beyond any real amount."""
    held = gpus * per_gpu_hold_fen(hours, limit_yuan_per_gpu_hour, min_gpu_hours)
    if held <= 0:
        raise InvalidValueError(
            f"a buy of {gpus} GPUs at {limit_yuan_per_gpu_hour:g} yuan per GPU-hour holds 0.00 "
            "yuan; the exchange does not hold GPUs for nothing: raise the limit"
        )
    if held > MAX_FEN:
        raise InvalidValueError(
            f"a buy of {gpus} GPUs for {hours:g} hours at {limit_yuan_per_gpu_hour:g} yuan per "
            f"GPU-hour would hold {held / FEN_PER_YUAN:.0f} yuan, beyond any real amount; "
            "buy fewer GPUs or lower the limit"
        )
    return held


def fill_money(
    gpus: int,
    hours: float,
    limit_yuan_per_gpu_hour: float,
    price_yuan_per_gpu_hour: float,
    min_gpu_hours: float,
) -> FillMoney:
    """The release and the line's hold of a fill of `gpus` at `price` (module docstring)."""
    if not 0 < price_yuan_per_gpu_hour <= limit_yuan_per_gpu_hour:
        raise ValueError(
            f"a fill at {price_yuan_per_gpu_hour} yuan breaks its buy's limit of "
            f"{limit_yuan_per_gpu_hour} (a bug in the clearing; report it)"
        )
    released = gpus * per_gpu_hold_fen(hours, limit_yuan_per_gpu_hour, min_gpu_hours)
    cost = gpus * hours * price_yuan_per_gpu_hour
    line = line_hold(cost, gpus, price_yuan_per_gpu_hour, min_gpu_hours)
    if line.hold_fen > released:
        raise ValueError(f"a line holding {line.hold_fen} fen exceeds its release {released}")
    return FillMoney(released, line.hold_fen, line.minimum_fen)


@dataclass(frozen=True, slots=True)
class StandingOrder:
    """An open order as the next clearing sees it, in the sequence the orders came."""

    id: str
    side: Side
    product: str
    remaining_gpus: int
    limit_yuan_per_gpu_hour: float | None
    """A buy's most; a sell's least (None: its pool's reserve)."""
    all_or_nothing: bool = False
    pool: str = ""
    """The pool a sell sells from."""


@dataclass(frozen=True, slots=True)
class PoolTerms:
    free_gpus: int
    reserve_yuan_per_gpu_hour: float


@dataclass(frozen=True, slots=True)
class CallBook:
    """The clearing's orders (quantities in GPUs) and the open orders left out of it, with why."""

    orders: tuple[Order, ...]
    left_out: Mapping[str, str]


NO_FREE_GPUS = "no_free_gpus"
"""A sell whose pool has no GPUs free (reserved since, or offered by earlier sells)."""
POOL_RETIRED = "pool_retired"


def call_book(standing: Sequence[StandingOrder], pools: Mapping[str, PoolTerms]) -> CallBook:
    """The orders of the next clearing: every open buy for its remaining GPUs at its limit;
    every sell for what its pool can give (`offered_gpus`) at `ask_price`; sells of retired
    pools (absent from `pools`) and sells with nothing to offer are left out."""
    sells = [(o.id, o.pool, o.remaining_gpus) for o in standing if o.side is Side.SELL]
    offered = offered_gpus(sells, {k: v.free_gpus for k, v in pools.items()})
    orders: list[Order] = []
    left_out: dict[str, str] = {}
    for o in standing:
        if o.side is Side.BUY:
            assert o.limit_yuan_per_gpu_hour is not None, "a buy has a limit (the table's)"
            limit, gpus = o.limit_yuan_per_gpu_hour, o.remaining_gpus
        elif o.pool not in pools:
            left_out[o.id] = POOL_RETIRED
            continue
        else:
            limit = ask_price(o.limit_yuan_per_gpu_hour, pools[o.pool].reserve_yuan_per_gpu_hour)
            gpus = offered[o.id]
        if gpus <= 0:
            left_out[o.id] = NO_FREE_GPUS
            continue
        orders.append(Order(o.id, o.side, o.product, float(gpus), limit, o.all_or_nothing))
    return CallBook(tuple(orders), left_out)


def depth(orders: Iterable[Order], product: str) -> tuple[list[tuple[float, int, int]], ...]:
    """The book of `product` by limit price: bids (highest first) and asks (lowest first), each
    a list of (price, GPUs, orders); who placed them is not part of it."""
    levels: dict[tuple[Side, float], list[int]] = {}
    for o in orders:
        if o.product == product:
            level = levels.setdefault((o.side, o.limit), [0, 0])
            level[0] += int(o.quantity)
            level[1] += 1
    bids = sorted(((p, q, n) for (s, p), (q, n) in levels.items() if s is Side.BUY), reverse=True)
    asks = sorted((p, q, n) for (s, p), (q, n) in levels.items() if s is Side.SELL)
    return bids, asks


MIN_PRICE_YUAN_PER_GPU_HOUR = 0.01
"""The market's least price, one fen per GPU-hour: a buy's limit and a sell's ask are at least
this, so every clearing price is, and with a market period of an hour or more (the service's
settings) a fill's line holds at least a fen per GPU."""


def ask_price(limit_yuan_per_gpu_hour: float | None, reserve_yuan_per_gpu_hour: float) -> float:
    """What a sell asks at a clearing: its limit, never below its pool's reserve now (a
    supplier may raise its reserve after placing the order) nor the market's least price."""
    limit = limit_yuan_per_gpu_hour or 0.0
    return max(limit, reserve_yuan_per_gpu_hour, MIN_PRICE_YUAN_PER_GPU_HOUR)


def offered_gpus(
    sells: Iterable[tuple[str, str, int]], free_gpus: Mapping[str, int]
) -> dict[str, int]:
    """GPUs each sell `(order id, pool id, remaining GPUs)` offers, in the order given (the
    order the sells came): the pool's free GPUs go to its earlier sells first."""
    left = dict(free_gpus)
    offered: dict[str, int] = {}
    for order_id, pool_id, remaining in sells:
        offered[order_id] = max(0, min(remaining, left.get(pool_id, 0)))
        left[pool_id] = left.get(pool_id, 0) - offered[order_id]
    return offered


def line_fee_bp(fee_bp: int, buyer_price: float, seller_price: float) -> int:
    """The fee of a fill's line, in basis points of what the buyer is charged: the platform's
    fee on the seller's price plus the spread between the two prices (zero under a uniform
    price), rounded up: 10 000 − ⌊(10 000 − fee_bp) × seller ÷ buyer⌋."""
    if not 0 <= seller_price <= buyer_price:
        raise ValueError(f"a seller's price {seller_price} above the buyer's {buyer_price}")
    if seller_price == buyer_price:
        return fee_bp
    kept = (BASIS_POINTS - fee_bp) * Decimal(str(seller_price)) / Decimal(str(buyer_price))
    return BASIS_POINTS - math.floor(kept)


def order_hold(owner: str, order_id: str, amount_fen: int) -> Entry:
    """The entry that sets a buy's hold aside (it names the order, not a job)."""
    return replace(hold(owner, amount_fen, ""), memo=f"order {order_id}: hold")


def order_refund(owner: str, order_id: str, amount_fen: int, why: str) -> Entry:
    """The entry that gives part of a buy's hold back (a fill's release, or the rest of a
    cancelled order); `why` ends its memo."""
    return replace(refund(owner, amount_fen, ""), memo=f"order {order_id}: {why}")
