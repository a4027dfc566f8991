"""The market under concurrency, against a real server on SQLite and PostgreSQL: 64 orders sent
at once (buyers racing to spend small wallets, suppliers offering their pools), then a clearing
that races with quote reservations for the same GPUs. No pool is oversold, no wallet overdrawn,
the books balance, and every fill respects its order's limit."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exchange_helpers import REGIONS, pool, site, training
from sqlalchemy import select
from test_service_concurrency import Caller, NewKey, fund, ok, race

from suanli.market.lifecycle import LineStatus
from suanli.market.orders import per_gpu_hold_fen
from suanli.market.roles import Role
from suanli.store.engine import Database
from suanli.store.ledger import all_accounts, postings_total
from suanli.store.tables import MarketOrderRow, MarketTradeRow, PoolRow, QuoteLineRow

ORDERS = 64
BUYERS = 16
HOURS = 24.0
MIN_HOURS = 1.0
PRODUCTS = ("H800@Zhangjiakou", "A800@Zhangjiakou")
POOLS = {"a-h800": ("a", "H800", 3), "a-a800": ("a", "A800", 5), "b-h800": ("b", "H800", 2)}


def setup(call: Caller, new_key: NewKey) -> tuple[str, dict[str, str]]:
    """Two suppliers' sites in one city (so their H800 pools trade in one product); the
    operator's key and each pool's supplier key."""
    _, operator = new_key(Role.OPERATOR, "ops")
    for region in REGIONS:
        ok(call(operator, "POST", "/v1/regions", region))
    keys = {name: new_key(Role.SUPPLIER, f"supplier-{name}")[1] for name in ("a", "b")}
    for name, key in keys.items():
        pools = [pool(p, m, nodes=n) for p, (s, m, n) in POOLS.items() if s == name]
        ok(call(key, "POST", "/v1/sites", site(name, *pools)))
    return operator, {p: keys[s] for p, (s, _, _) in POOLS.items()}


def orders(rng: random.Random, buyers: list[str], pool_keys: dict[str, str]) -> list[Any]:
    """(key, body) of 8 sells and 56 buys in a random mix of sizes, limits and gangs."""
    sells = [
        (pool_keys[p], {"side": "sell", "pool": p, "gpus": rng.choice((8, 16))}
         | ({"limit_yuan_per_gpu_hour": rng.choice((10, 11, 12))} if rng.random() < 0.5 else {}))
        for p in rng.choices(sorted(POOLS), k=8)
    ]  # fmt: skip
    buys = [
        (
            buyers[i % BUYERS],
            {
                "side": "buy",
                "product": rng.choice(PRODUCTS),
                "gpus": rng.choice((1, 2, 4, 8)),
                "limit_yuan_per_gpu_hour": rng.choice((9.0, 10.5, 11.25, 12.0, 14.0)),
                "all_or_nothing": rng.random() < 0.25,
            },
        )
        for i in range(ORDERS - len(sells))
    ]
    mixed = sells + buys
    rng.shuffle(mixed)
    return mixed


def test_64_orders_at_once_then_a_clearing_racing_reservations(
    live: str, db: Database, new_key: NewKey
) -> None:
    call = Caller(live)
    operator, pool_keys = setup(call, new_key)
    rng = random.Random(10)
    accounts = [new_key(Role.BUYER, f"b{i}") for i in range(BUYERS)]
    for account_id, _ in accounts:  # about two buys' worth: the rest must be refused
        fund(call, operator, account_id, 2 * 8 * HOURS * 12)
    sent = orders(rng, [key for _, key in accounts], pool_keys)
    responses = race(live, [lambda c, k=k, b=b: c(k, "POST", "/v1/orders", b) for k, b in sent])
    codes = Counter(r.status_code for r in responses)
    assert set(codes) <= {201, 409} and codes[201] > 8 and codes[409] > 0, codes
    assert all("top up" in r.json()["detail"] for r in responses if r.status_code == 409)

    def quoted(i: int) -> tuple[str, str]:
        account_id, key = new_key(Role.BUYER, f"q{i}")
        fund(call, operator, account_id, 1e6)
        job = ok(call(key, "POST", "/v1/jobs", training(f"q{i}", gpus=8)))
        return key, ok(call(key, "POST", "/v1/quotes", {"job_id": job["id"]}))["id"]

    with ThreadPoolExecutor(8) as executor:
        quotes = list(executor.map(quoted, range(6)))
    tasks = [lambda c: c(operator, "POST", "/v1/market/clear")]
    tasks += [
        lambda c, k=k, q=q: c(k, "POST", "/v1/reservations", {"quote_id": q}) for k, q in quotes
    ]
    cleared, *reserved = race(live, tasks)
    assert cleared.status_code == 200, cleared.text
    assert {r.status_code for r in reserved} <= {201, 409}
    clearing = cleared.json()["clearing"]
    assert sum(p["traded_gpus"] for p in clearing["products"]) > 0
    check_invariants(db)


def check_invariants(db: Database) -> None:
    with db.read() as session:
        pools = {p.id: p for p in session.scalars(select(PoolRow))}
        held = Counter[str]()
        for line in session.scalars(
            select(QuoteLineRow).where(QuoteLineRow.status == LineStatus.RESERVED.value)
        ):
            held[line.pool_id] += line.gpus
        for pool_id, row in pools.items():  # 1. no pool oversold, and every GPU accounted for
            assert row.reserved_gpus == held[pool_id] <= row.nodes * row.gpus_per_node
        for account in all_accounts(session=session):  # 2. no wallet overdrawn
            assert account.kind == "external" or account.balance_fen >= -account.credit_limit_fen
        assert postings_total(session=session) == 0  # 3. the books balance
        by_id = {o.id: o for o in session.scalars(select(MarketOrderRow))}
        trades = list(session.scalars(select(MarketTradeRow)))
    filled = Counter[str]()
    for t in trades:  # 4. every fill within its orders' limits
        buy, sell = by_id[t.buy_order_id], by_id[t.sell_order_id]
        assert buy.limit_yuan_per_gpu_hour is not None and sell.pool_id is not None
        assert t.seller_price <= t.buyer_price <= buy.limit_yuan_per_gpu_hour
        ask = max(
            sell.limit_yuan_per_gpu_hour or 0.0, pools[sell.pool_id].reserve_price_yuan_per_gpu_hour
        )
        assert t.seller_price >= ask
        if t.status == "reserved":
            filled[t.buy_order_id] += t.gpus
            filled[t.sell_order_id] += t.gpus
    for order in by_id.values():  # 5. each order's GPUs and hold add up
        assert filled[order.id] + order.remaining_gpus == order.gpus
        if order.side == "buy" and order.status == "open":
            assert order.limit_yuan_per_gpu_hour is not None
            per_gpu = per_gpu_hold_fen(HOURS, order.limit_yuan_per_gpu_hour, MIN_HOURS)
            assert order.held_fen == order.remaining_gpus * per_gpu
        else:
            assert order.held_fen == 0
        if order.all_or_nothing:
            assert filled[order.id] in (0, order.gpus)
