"""The exchange's call market through the HTTP API, on both databases: orders and their holds,
clearings that turn trades into reserved jobs, cancels and replays, the refusals, and the market
data every role may read."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from exchange_helpers import REGIONS, Api, account_api, pool, site, training
from fastapi.testclient import TestClient

from suanli.market.roles import Role
from suanli.service.app import create_app
from suanli.service.context import Exchange
from suanli.service.market import commit, decide
from suanli.service.settings import ServiceSettings
from suanli.store.engine import Database
from suanli.store.ids import CountingIds, FakeClock

PRODUCT = "H800@Zhangjiakou"
"""The product of `pool()` at `site()`: a metro site (no hub) trades in its city's product."""
RESERVE = 10.0
HOURS = 24.0


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(telemetry_dir=tmp_path / "telemetry", market_clear_interval_s=0)


@pytest.fixture
def listed(supplier: Api) -> Api:
    supplier.ok(supplier.post("/v1/sites", site("zjk", pool("zjk-h800"))), 201)  # 32 GPUs
    return supplier


def buy(api: Api, gpus: int, limit: float, key: str | None = None, **extra: Any) -> Any:
    body = {"side": "buy", "product": PRODUCT, "gpus": gpus, "limit_yuan_per_gpu_hour": limit}
    return api.post("/v1/orders", body | extra, key=key)


def sell(api: Api, gpus: int, pool_id: str = "zjk-h800", **extra: Any) -> Any:
    return api.post("/v1/orders", {"side": "sell", "pool": pool_id, "gpus": gpus} | extra)


def clear(operator: Api) -> Any:
    return operator.ok(operator.post("/v1/market/clear"))["clearing"]


def balances(api: Api) -> dict[str, float]:
    found: dict[str, float] = api.ok(api.get("/v1/me"))["balances"]
    return found


def books_balance(operator: Api) -> None:
    assert operator.ok(operator.get("/v1/ledger"))["postings_total_yuan"] == 0


def exchange_of(client: TestClient) -> Exchange:
    found: Exchange = client.app.state.exchange  # type: ignore[attr-defined]
    return found


def test_a_filled_buy_is_a_reservation_that_completes_and_bills_like_a_quote(
    listed: Api, buyer: Api, operator: Api
) -> None:
    offer = listed.ok(sell(listed, 16), 201)
    assert (offer["product"], offer["limit_yuan_per_gpu_hour"]) == (PRODUCT, None)
    order = buyer.ok(buy(buyer, 8, 12.5), 201)
    assert (order["status"], order["hours"], order["held_yuan"]) == ("open", HOURS, 2400.0)
    assert balances(buyer)["wallet_yuan"] == 100_000 - 8 * HOURS * 12.5

    clearing = clear(operator)
    (product,) = clearing["products"]
    assert (product["product"], product["method"], product["traded_gpus"]) == (
        PRODUCT,
        "uniform",
        8,
    )
    assert product["price_yuan_per_gpu_hour"] == RESERVE  # the seller's ask is the margin
    filled = buyer.ok(buyer.get(f"/v1/orders/{order['id']}"))
    assert (filled["status"], filled["filled_gpus"], filled["held_yuan"]) == ("filled", 8, 0.0)
    (fill,) = filled["fills"]
    assert fill["price_yuan_per_gpu_hour"] == RESERVE <= 12.5
    offer = listed.ok(listed.get(f"/v1/orders/{offer['id']}"))
    assert (offer["status"], offer["remaining_gpus"], offer["last_reason"]) == (
        "open",
        8,
        "partly_filled",
    )

    job = buyer.ok(buyer.get(f"/v1/jobs/{fill['job_id']}"))
    assert (job["kind"], job["status"], job["name"]) == ("market", "reserved", order["id"])
    assert [(x["pool_id"], x["gpus"], x["status"]) for x in job["lines"]] == [
        ("zjk-h800", 8, "reserved")
    ]
    (reservation,) = buyer.ok(buyer.get("/v1/reservations"))
    cost = 8 * HOURS * RESERVE
    assert (reservation["job_id"], reservation["total_yuan"]) == (job["id"], cost)
    assert listed.ok(listed.get("/v1/pools/zjk-h800"))["free_gpus"] == 24
    assert balances(buyer) | {} == {
        "wallet_yuan": 100_000 - cost,  # the rest of the order's hold came back
        "escrow_yuan": cost,
        "receivable_yuan": 0.0,
        "credit_limit_yuan": 0.0,
    }
    refused = buyer.post("/v1/quotes", {"job_id": job["id"]})
    assert refused.status_code == 409 and "never quoted" in refused.json()["detail"]

    listed.ok(listed.post(f"/v1/jobs/{job['id']}/start"))
    done = listed.ok(listed.post(f"/v1/jobs/{job['id']}/complete"))
    assert done["status"] == "completed"
    bill = buyer.ok(buyer.get(f"/v1/jobs/{job['id']}/bill"))
    assert (bill["basis"], bill["charged_yuan"]) == ("reserved", cost)
    assert balances(listed)["receivable_yuan"] == cost * 0.95
    assert balances(buyer)["wallet_yuan"] == 100_000 - cost
    assert listed.ok(listed.get("/v1/pools/zjk-h800"))["free_gpus"] == 32
    entries = buyer.ok(buyer.get("/v1/ledger/entries", params={"job_id": job["id"]}))
    assert [e["kind"] for e in entries] == ["hold", "settle"]  # as a quoted line's
    books_balance(operator)


def test_cancels_and_replays_are_idempotent(listed: Api, buyer: Api, operator: Api) -> None:
    first = buy(buyer, 8, 12.5, key="o-1")
    again = buy(buyer, 8, 12.5, key="o-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(buyer.ok(buyer.get("/v1/orders"))) == 1
    order = first.json()
    assert balances(buyer)["escrow_yuan"] == 2400.0
    cancel = buyer.ok(buyer.post(f"/v1/orders/{order['id']}/cancel", key="c-1"))
    replay = buyer.post(f"/v1/orders/{order['id']}/cancel", key="c-1")
    assert replay.json() == cancel and replay.headers["Idempotent-Replayed"] == "true"
    assert (cancel["status"], cancel["held_yuan"]) == ("cancelled", 0.0)
    assert buyer.ok(buyer.post(f"/v1/orders/{order['id']}/cancel")) == cancel  # no key either
    assert balances(buyer) | {} == {  # refunded to the fen
        "wallet_yuan": 100_000.0,
        "escrow_yuan": 0.0,
        "receivable_yuan": 0.0,
        "credit_limit_yuan": 0.0,
    }
    kinds = [e["kind"] for e in buyer.ok(buyer.get("/v1/ledger/entries"))]
    assert kinds == ["top_up", "hold", "refund"]
    assert clear(operator) is None  # nothing is open: nothing recorded
    assert buyer.ok(buyer.get("/v1/market/history")) == []

    listed.ok(sell(listed, 8), 201)
    filled = buyer.ok(buy(buyer, 8, 12.5), 201)
    assert clear(operator)["trades"][0]["status"] == "reserved"
    refused = buyer.post(f"/v1/orders/{filled['id']}/cancel")
    assert refused.status_code == 409 and "cancel those jobs" in refused.json()["detail"]
    other = listed.post(f"/v1/orders/{filled['id']}/cancel")
    assert other.status_code == 404  # another account's order does not exist for it
    books_balance(operator)


def test_a_clearing_replayed_under_its_key_clears_once(
    listed: Api, buyer: Api, operator: Api
) -> None:
    listed.ok(sell(listed, 8), 201)
    buyer.ok(buy(buyer, 8, 12.5), 201)
    first = operator.post("/v1/market/clear", key="clear-1")
    again = operator.post("/v1/market/clear", key="clear-1")
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(operator.ok(operator.get("/v1/market/history"))) == 1
    assert len(operator.ok(operator.get("/v1/reservations"))) == 1


def test_orders_are_refused_with_what_to_fix(
    listed: Api, buyer: Api, make_api: Any, operator: Api
) -> None:
    unknown = buyer.post(
        "/v1/orders",
        {"side": "buy", "product": "B200@Mars", "gpus": 8, "limit_yuan_per_gpu_hour": 12},
    )
    assert unknown.status_code == 422 and PRODUCT in unknown.json()["detail"]
    other = make_api(Role.SUPPLIER, "supplier-b")
    foreign = sell(other, 8)
    assert foreign.status_code == 403 and "another supplier" in foreign.json()["detail"]
    low = sell(listed, 8, limit_yuan_per_gpu_hour=9.5)
    assert low.status_code == 422 and "reserve price of 10" in low.json()["detail"]
    for body, field, says in [
        ({"gpus": 8.5}, "body.gpus", "whole number of GPUs"),
        ({"gpus": 0}, "body.gpus", "greater than or equal to 1"),
        ({"hours": 12}, "body.hours", "market period of 24 hours"),
        ({"pool": "zjk-h800"}, "body.pool", "a buy names a product"),
        ({"limit_yuan_per_gpu_hour": None}, "body.limit_yuan_per_gpu_hour", "needs its most"),
    ]:
        base = {"side": "buy", "product": PRODUCT, "gpus": 8, "limit_yuan_per_gpu_hour": 12.5}
        refused = buyer.post("/v1/orders", base | body)
        assert refused.status_code == 422, refused.text
        errors = refused.json()["errors"]
        assert errors[0]["field"] == field and says in errors[0]["message"], errors
    too_big = sell(listed, 33)
    assert too_big.status_code == 422 and "at most 32" in too_big.json()["detail"]
    aon = sell(listed, 8, all_or_nothing=True)
    assert aon.status_code == 422 and "only a buy" in aon.text
    assert buy(listed, 8, 12.5).status_code == 403  # suppliers do not buy
    assert sell(buyer, 8).status_code == 403  # buyers do not sell
    auditor = make_api(Role.AUDITOR, "auditor")
    assert buy(auditor, 8, 12.5).status_code == 403
    poor = make_api(Role.BUYER, "poor")
    broke = buy(poor, 8, 12.5)
    assert broke.status_code == 409 and "top up" in broke.json()["detail"]
    assert poor.ok(poor.get("/v1/orders")) == []
    books_balance(operator)


def test_market_data_is_for_every_role_and_names_nobody(
    listed: Api, buyer: Api, make_api: Any, operator: Api
) -> None:
    listed.ok(sell(listed, 16, limit_yuan_per_gpu_hour=11), 201)
    listed.ok(sell(listed, 8), 201)
    buyer.ok(buy(buyer, 4, 12.5), 201)
    buyer.ok(buy(buyer, 4, 12.5), 201)
    buyer.ok(buy(buyer, 2, 9), 201)
    auditor = make_api(Role.AUDITOR, "auditor")
    everyone = (buyer, listed, auditor, operator)
    for api in everyone:
        depth = api.ok(api.get("/v1/market/depth", params={"product": PRODUCT}))
        assert depth["bids"] == [
            {"price_yuan_per_gpu_hour": 12.5, "gpus": 8, "orders": 2},
            {"price_yuan_per_gpu_hour": 9.0, "gpus": 2, "orders": 1},
        ]
        assert depth["asks"] == [
            {"price_yuan_per_gpu_hour": 10.0, "gpus": 8, "orders": 1},
            {"price_yuan_per_gpu_hour": 11.0, "gpus": 16, "orders": 1},
        ]
        text = api.get("/v1/market/depth", params={"product": PRODUCT}).text
        assert not any(a.account_id in text for a in everyone) and "acc_" not in text
    unknown = buyer.get("/v1/market/depth", params={"product": "B200@Mars"})
    assert unknown.status_code == 422 and PRODUCT in unknown.json()["detail"]

    clearing = clear(operator)
    assert clearing["products"][0]["traded_gpus"] == 8
    assert {u["reason"] for u in clearing["unfilled"]} >= {"limit_below_price"}
    for api in everyone:
        prices = api.ok(api.get("/v1/market/prices"))
        assert (prices["mode"], prices["rule"], prices["period_hours"]) == ("fixed", "uniform", 24)
        (product,) = prices["products"]
        assert product["product"] == PRODUCT and product["last"]["traded_gpus"] == 8
        assert product["last"]["price_yuan_per_gpu_hour"] == 10.5  # the midpoint of [10, 11]
        (priced,) = product["pools"]
        assert (priced["pool_id"], priced["free_gpus"], priced["utilization"]) == (
            "zjk-h800",
            24,
            0.25,
        )
        assert priced["price_yuan_per_gpu_hour"] == RESERVE  # fixed mode: the reserve
        (seen,) = api.ok(api.get("/v1/market/history", params={"product": PRODUCT}))
        assert (seen["clearing_id"], seen["bid_gpus"], seen["ask_gpus"]) == (
            clearing["id"],
            10,
            24,
        )
        assert seen["interval_yuan_per_gpu_hour"] == [10.0, 11.0]
    assert buyer.ok(buyer.get("/v1/market/history", params={"product": "A800@Nowhere"})) == []
    assert len(auditor.ok(auditor.get("/v1/orders"))) == 5  # overseers see every order
    assert len(buyer.ok(buyer.get("/v1/orders", params={"status": "open"}))) == 1
    assert buyer.post("/v1/market/clear").status_code == 403


def test_all_or_nothing_and_immediate_or_cancel(listed: Api, buyer: Api, operator: Api) -> None:
    listed.ok(sell(listed, 16), 201)
    gang = buyer.ok(buy(buyer, 24, 12.5, all_or_nothing=True), 201)
    once = buyer.ok(buy(buyer, 24, 11, time_in_force="ioc"), 201)  # after the gang in time
    clearing = clear(operator)
    assert clearing["products"][0]["method"] == "milp"
    gang = buyer.ok(buyer.get(f"/v1/orders/{gang['id']}"))
    assert (gang["status"], gang["filled_gpus"], gang["last_reason"]) == (
        "open",
        0,
        "all_or_nothing",
    )
    once = buyer.ok(buyer.get(f"/v1/orders/{once['id']}"))
    assert (once["status"], once["filled_gpus"], once["held_yuan"]) == ("cancelled", 16, 0.0)
    assert once["last_reason"] == "partly_filled"
    assert balances(buyer)["escrow_yuan"] == 16 * HOURS * 11 + gang["held_yuan"]
    listed.ok(listed.post("/v1/sites/zjk/pools", pool("zjk-h800-2")), 201)  # 32 more
    listed.ok(sell(listed, 32, "zjk-h800-2"), 201)
    assert clear(operator)["products"][0]["traded_gpus"] == 24  # now the gang fits
    gang = buyer.ok(buyer.get(f"/v1/orders/{gang['id']}"))
    assert (gang["status"], gang["filled_gpus"]) == ("filled", 24)
    job = buyer.ok(buyer.get(f"/v1/jobs/{gang['fills'][0]['job_id']}"))
    assert [(x["pool_id"], x["gpus"]) for x in job["lines"]] == [("zjk-h800-2", 24)]
    books_balance(operator)


def test_capacity_taken_between_the_solve_and_the_commit_fails_the_trade(
    client: TestClient, listed: Api, buyer: Api, operator: Api
) -> None:
    listed.ok(sell(listed, 32), 201)
    order = buyer.ok(buy(buyer, 32, 12.5), 201)
    exchange = exchange_of(client)
    decided = decide(exchange)
    assert decided is not None and decided.outcome.trades
    job = buyer.ok(buyer.post("/v1/jobs", _training(8)), 201)  # meanwhile a quote takes 8
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    with exchange.db.write() as session:
        view = commit(exchange, session, decided)
    assert [(t.status, t.reason) for t in view.trades] == [("failed", "capacity_taken")]
    assert listed.ok(listed.get("/v1/pools/zjk-h800"))["reserved_gpus"] == 8  # not oversold
    left = buyer.ok(buyer.get(f"/v1/orders/{order['id']}"))
    assert (left["status"], left["last_reason"], left["held_yuan"]) == (
        "open",
        "capacity_taken",
        32 * HOURS * 12.5,
    )
    assert clear(operator)["products"][0]["traded_gpus"] == 24  # the next clearing sells the rest
    books_balance(operator)


def test_an_order_cancelled_during_the_solve_takes_no_trade(
    client: TestClient, listed: Api, buyer: Api, operator: Api
) -> None:
    offer = listed.ok(sell(listed, 8), 201)
    order = buyer.ok(buy(buyer, 8, 12.5), 201)
    exchange = exchange_of(client)
    decided = decide(exchange)
    assert decided is not None
    buyer.ok(buyer.post(f"/v1/orders/{order['id']}/cancel"))
    with exchange.db.write() as session:
        view = commit(exchange, session, decided)
    assert [(t.status, t.reason) for t in view.trades] == [("failed", "order_changed")]
    offer = listed.ok(listed.get(f"/v1/orders/{offer['id']}"))
    assert (offer["status"], offer["last_reason"]) == ("open", "order_changed")
    assert balances(buyer)["wallet_yuan"] == 100_000
    assert listed.ok(listed.get("/v1/pools/zjk-h800"))["reserved_gpus"] == 0
    books_balance(operator)


def _training(gpus: int) -> dict[str, Any]:
    return training(f"t{gpus}", gpus=gpus)


MCAFEE = """version: pricing-policy-test
mode: fixed
auction:
  rule: mcafee
"""


@pytest.fixture
def mcafee(tmp_path: Path) -> ServiceSettings:
    path = tmp_path / "policy.yaml"
    path.write_text(MCAFEE)
    return ServiceSettings(
        telemetry_dir=tmp_path / "telemetry", market_clear_interval_s=0, pricing_policy=path
    )


def test_under_mcafee_the_platform_keeps_the_spread(
    mcafee: ServiceSettings, db: Database, clock: FakeClock
) -> None:
    """Two units bid at 20 and asked at 10, with no unit beyond: McAfee trades one, the buyer
    pays 20, the seller receives 10 less the fee (as `trade_amounts_fen` says); the platform
    keeps the rest."""
    app = create_app(mcafee, database=db, clock=clock, new_id=CountingIds())
    with TestClient(app, raise_server_exceptions=False) as client:
        operator, supplier, buyer = _accounts(db, client)
        supplier.ok(supplier.post("/v1/sites", site("zjk", pool("zjk-h800"))), 201)
        supplier.ok(sell(supplier, 2), 201)
        buyer.ok(buy(buyer, 2, 20, time_in_force="ioc"), 201)
        clearing = clear(operator)
        (trade,) = clearing["trades"]
        assert (trade["gpus"], trade["buyer_price_yuan_per_gpu_hour"]) == (1, 20.0)
        assert trade["seller_price_yuan_per_gpu_hour"] == 10.0
        job = trade["job_id"]
        supplier.ok(supplier.post(f"/v1/jobs/{job}/start"))
        supplier.ok(supplier.post(f"/v1/jobs/{job}/complete"))
        assert balances(buyer)["wallet_yuan"] == 1000 - 1 * HOURS * 20  # the other unit refunded
        assert balances(supplier)["receivable_yuan"] == 1 * HOURS * 10 * 0.95
        ledger = operator.ok(operator.get("/v1/ledger"))
        fees = next(a for a in ledger["accounts"] if a["id"] == "platform:fees")
        assert fees["balance_yuan"] == 1 * HOURS * (20 - 10 * 0.95)
        assert ledger["postings_total_yuan"] == 0


def _accounts(db: Database, client: TestClient) -> tuple[Api, Api, Api]:
    """An operator, a supplier and a buyer with 1 000 yuan, on `client`."""
    operator, supplier, buyer = (
        account_api(db, client, role, name)
        for role, name in ((Role.OPERATOR, "ops"), (Role.SUPPLIER, "s"), (Role.BUYER, "b"))
    )
    for region in REGIONS:
        operator.ok(operator.post("/v1/regions", region), 201)
    operator.ok(
        operator.post(f"/v1/accounts/{buyer.account_id}/top-ups", {"amount_yuan": 1000}), 201
    )
    return operator, supplier, buyer


@pytest.fixture
def periodic(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(telemetry_dir=tmp_path / "telemetry", market_clear_interval_s=0.05)


def test_the_service_clears_on_its_own(
    db: Database, clock: FakeClock, periodic: ServiceSettings
) -> None:
    app = create_app(periodic, database=db, clock=clock, new_id=CountingIds())
    with TestClient(app, raise_server_exceptions=False) as client:
        _, supplier, buyer = _accounts(db, client)
        supplier.ok(supplier.post("/v1/sites", site("zjk", pool("zjk-h800"))), 201)
        supplier.ok(sell(supplier, 8), 201)
        order = buyer.ok(buy(buyer, 2, 12.5), 201)
        deadline = time.monotonic() + 10
        while buyer.ok(buyer.get(f"/v1/orders/{order['id']}"))["status"] != "filled":
            assert time.monotonic() < deadline, "no clearing within 10 s"
            time.sleep(0.05)
