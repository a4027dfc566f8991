"""Benchmark (not a test): the call market's clearing (issue 10).

    .venv/bin/python bench/market.py [--orders 10000] [--products 100] [--seed 7] [--repeat 5]

A seeded book of `--orders` orders over `--products` products (each product a base price of
6..30 yuan per GPU-hour; buys limit around it +-40 %, sells likewise; 1..1,000 whole GPU-hours;
buys and sells equally likely) is cleared, all on one core. Measured in this one run:
  1. `clear` under the uniform rule and under McAfee's: best of `--repeat` runs (target < 1 s);
  2. the baseline: a naive clearer that tries every limit as the price, recomputes demand and
     supply from scratch at each (O(n^2) per product), then fills by scanning for the best order
     left; it must find the same traded volume; the ratio is the speedup;
  3. the same book with one all-or-nothing order (a gang) in every tenth product, which those
     products clear by the MILP on HiGHS;
  4. (for the lead) the twin's cycle time with market pricing against fixed pricing.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from suanli.market.clearing import Clearing, Order, Rule, Side, clear

TARGET_SECONDS = 1.0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000, help="orders in the book")
    parser.add_argument("--products", type=int, default=100, help="products they spread over")
    parser.add_argument("--seed", type=int, default=7, help="seed of the book")
    parser.add_argument("--repeat", type=int, default=5, help="runs per rule; the best is kept")
    return parser.parse_args(argv)


def make_book(n: int, products: int, rng: np.random.Generator) -> list[Order]:
    base = rng.uniform(6.0, 30.0, size=products)
    product = rng.integers(0, products, size=n)
    buy = rng.random(n) < 0.5
    limit = base[product] * rng.uniform(0.6, 1.4, size=n)
    quantity = rng.integers(1, 1_001, size=n)
    return [
        Order(
            id=f"o{i:05d}",
            side=Side.BUY if buy[i] else Side.SELL,
            product=f"p{product[i]:03d}",
            quantity=float(quantity[i]),
            limit=round(float(limit[i]), 2),
        )
        for i in range(n)
    ]


def best_of(repeat: int, run: Callable[[], Clearing | dict[str, float]]) -> float:
    seconds = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        seconds.append(time.process_time() - started)
    return min(seconds)


def naive_clear(orders: Sequence[Order]) -> dict[str, float]:
    """Traded volume per product, the slow way (module docstring, step 2)."""
    books: dict[str, list[Order]] = defaultdict(list)
    for o in orders:
        books[o.product].append(o)
    traded = {}
    for product, book in books.items():
        volume, price = 0.0, 0.0
        for p in (o.limit for o in book):
            demand = sum(o.quantity for o in book if o.side is Side.BUY and o.limit >= p)
            supply = sum(o.quantity for o in book if o.side is Side.SELL and o.limit <= p)
            if min(demand, supply) > volume:
                volume, price = min(demand, supply), p
        _naive_fills(book, Side.BUY, volume, price)
        _naive_fills(book, Side.SELL, volume, price)
        traded[product] = volume
    return traded


def _naive_fills(book: list[Order], side: Side, volume: float, price: float) -> dict[str, float]:
    """Fill `volume` at `price` by picking the best order left, scanning the book each time."""
    left, fills = volume, {}
    sign = -1.0 if side is Side.BUY else 1.0
    while left > 0:
        open_ = [
            o
            for o in book
            if o.side is side and o.id not in fills and sign * o.limit <= sign * price
        ]
        best = min(open_, key=lambda o: sign * o.limit)
        fills[best.id] = min(best.quantity, left)
        left -= fills[best.id]
    return fills


def with_gangs(orders: list[Order], every: int = 10) -> list[Order]:
    """The book with the first buy of every `every`-th product made all or nothing."""
    seen: set[str] = set()
    out = []
    for o in orders:
        gang = o.side is Side.BUY and int(o.product[1:]) % every == 0 and o.product not in seen
        if gang:
            seen.add(o.product)
        out.append(replace(o, all_or_nothing=True) if gang else o)
    return out


def bench_clearing(args: argparse.Namespace) -> None:
    orders = make_book(args.orders, args.products, np.random.default_rng(args.seed))
    print(f"{len(orders):,} orders over {args.products} products (seed {args.seed}), one core")
    for rule in Rule:
        seconds = best_of(args.repeat, lambda rule=rule: clear(orders, rule))
        verdict = "meets" if seconds < TARGET_SECONDS else "MISSES"
        target = f"{verdict} the {TARGET_SECONDS:g} s target"
        print(f"  clear, {rule.value:<8}  {seconds:8.3f} s  ({target})")
    fast = best_of(args.repeat, lambda: clear(orders))
    naive = best_of(1, lambda: naive_clear(orders))
    result, slow = clear(orders), naive_clear(orders)
    same = all(abs(result.products[p].traded - q) < 1e-6 for p, q in slow.items())
    print(
        f"  naive clearer    {naive:8.3f} s  (same volumes: {same}); clear is "
        f"{naive / fast:,.1f}x faster"
    )
    gangs = with_gangs(orders)
    seconds = best_of(1, lambda: clear(gangs))
    milp = sum(p.method == "milp" for p in clear(gangs).products.values())
    print(f"  with gangs       {seconds:8.3f} s  ({milp} products cleared by the MILP)")


# --- LEAD: the twin's cycle time with market pricing against fixed pricing -------------------
def bench_twin_cycle(args: argparse.Namespace) -> None:
    """To be written by the lead: the digital twin's cycle time when prices come from
    `clear` against the same run with fixed prices, and the ratio."""
    print("twin cycle, market against fixed pricing: not measured yet")


# --- end of the lead's section ---------------------------------------------------------------


def run(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    bench_clearing(args)
    bench_twin_cycle(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
