"""Concurrent clients against a real server, on SQLite and PostgreSQL: 64 clients race to
reserve overlapping capacity, buyers race to spend one wallet, and one request is sent many
times at once under one Idempotency-Key."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from exchange_helpers import REGIONS, pool, site, training

from suanli.market.roles import Role
from suanli.store.engine import Database
from suanli.store.ledger import all_accounts, postings_total
from suanli.store.tables import PoolRow

CLIENTS = 64
NewKey = Callable[[Role, str], tuple[str, str]]


class Caller:
    """One HTTP client per caller (making one costs more than a request)."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=60)

    def __call__(
        self, key: str, method: str, path: str, body: Any = None, **headers: str
    ) -> httpx.Response:
        auth = {"Authorization": f"Bearer {key}"} | headers
        return self.client.request(method, path, json=body, headers=auth)


def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def setup_market(call: Caller, new_key: NewKey) -> str:
    """Regions and one supplier site with two pools; the operator's key."""
    _, operator = new_key(Role.OPERATOR, "ops")
    for region in REGIONS:
        ok(call(operator, "POST", "/v1/regions", region))
    _, supplier = new_key(Role.SUPPLIER, "supplier")
    pools = (pool("a-h800", "H800", nodes=3), pool("a-a800", "A800", nodes=5))
    ok(call(supplier, "POST", "/v1/sites", site("a", *pools)))
    return operator


def fund(call: Caller, operator: str, account_id: str, yuan: float) -> None:
    ok(call(operator, "POST", f"/v1/accounts/{account_id}/top-ups", {"amount_yuan": yuan}))


def quoted(call: Caller, key: str, job: dict) -> dict:
    created = ok(call(key, "POST", "/v1/jobs", job))
    return ok(call(key, "POST", "/v1/quotes", {"job_id": created["id"]}))


Task = Callable[[Caller], httpx.Response]


def race(base: str, tasks: list[Task]) -> list[httpx.Response]:
    """Run all tasks at once, each with its own client: every thread waits at a barrier."""
    barrier = threading.Barrier(len(tasks))

    def run(task: Task) -> httpx.Response:
        call = Caller(base)
        barrier.wait()
        return task(call)

    with ThreadPoolExecutor(len(tasks)) as executor:
        return list(executor.map(run, tasks))


def pools_of(db: Database) -> dict[str, PoolRow]:
    with db.read() as session:
        return {p.id: p for p in session.query(PoolRow)}


def test_64_clients_race_for_overlapping_capacity(live: str, db: Database, new_key: NewKey) -> None:
    call = Caller(live)
    operator = setup_market(call, new_key)
    buyers = [new_key(Role.BUYER, f"b{i}") for i in range(CLIENTS)]

    def prepare(i: int) -> tuple[str, dict]:
        account_id, key = buyers[i]
        fund(call, operator, account_id, 1e6)
        model = "H800" if i % 2 else "A800"
        job = training(f"j{i}", gpus=8 * (1 + i % 3), allowed_gpu_models=[model])
        return key, quoted(call, key, job)

    with ThreadPoolExecutor(8) as executor:
        clients = list(executor.map(prepare, range(CLIENTS)))
    responses = race(
        live,
        [
            lambda c, k=k, q=q: c(k, "POST", "/v1/reservations", {"quote_id": q["id"]})
            for k, q in clients
        ],
    )
    assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
    taken: dict[str, int] = {}
    refused: dict[str, list[int]] = {}
    for (_, quote), response in zip(clients, responses, strict=True):
        line = quote["lines"][0]
        if response.status_code == 201:
            taken[line["pool_id"]] = taken.get(line["pool_id"], 0) + line["gpus"]
        else:
            assert "GPUs free now" in response.json()["detail"]
            refused.setdefault(line["pool_id"], []).append(line["gpus"])
    for pool_id, row in pools_of(db).items():
        capacity = row.nodes * row.gpus_per_node
        assert row.reserved_gpus == taken.get(pool_id, 0) <= capacity
        # Capacity only shrank during the race, so a refusal means it no longer fit at the end.
        assert all(capacity - row.reserved_gpus < gpus for gpus in refused.get(pool_id, []))
    assert taken and refused


def test_buyers_racing_for_one_wallet_never_overdraw_it(
    live: str, db: Database, new_key: NewKey
) -> None:
    call = Caller(live)
    operator = setup_market(call, new_key)
    account_id, key = new_key(Role.BUYER, "buyer")
    quotes = [
        quoted(call, key, training(f"j{i}", gpus=8, allowed_gpu_models=["A800"])) for i in range(4)
    ]
    fund(call, operator, account_id, 2 * quotes[0]["total_yuan"] + 1)
    responses = race(
        live,
        [lambda c, q=q: c(key, "POST", "/v1/reservations", {"quote_id": q["id"]}) for q in quotes],
    )
    assert sorted(r.status_code for r in responses) == [201, 201, 409, 409]
    assert all("top up" in r.json()["detail"] for r in responses if r.status_code == 409)
    with db.read() as session:
        wallet = next(a for a in all_accounts(session=session) if a.id == f"wallet:{account_id}")
        assert wallet.balance_fen == 100 and postings_total(session=session) == 0


def test_one_key_sent_many_times_at_once_reserves_once(
    live: str, db: Database, new_key: NewKey
) -> None:
    call = Caller(live)
    operator = setup_market(call, new_key)
    account_id, key = new_key(Role.BUYER, "buyer")
    fund(call, operator, account_id, 1e6)
    quote = quoted(call, key, training())
    body = {"quote_id": quote["id"]}
    responses = race(
        live,
        [
            lambda c: c(key, "POST", "/v1/reservations", body, **{"Idempotency-Key": "k-1"})
            for _ in range(16)
        ],
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 15
    assert pools_of(db)[quote["lines"][0]["pool_id"]].reserved_gpus == 8
