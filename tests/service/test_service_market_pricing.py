"""Quotes priced by the exchange's pricing policy, on both databases: fixed mode is the reserve
as before; posted mode rises as a pool fills and never goes below the reserve; auction mode
prices a pool at no less than its product's last clearing price."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from exchange_helpers import Api, account_api, pool, site, training
from fastapi.testclient import TestClient

from suanli.market.pricing import PricingMode, load_pricing_policy
from suanli.market.roles import Role
from suanli.service.app import create_app
from suanli.service.settings import ServiceSettings
from suanli.store.engine import Database
from suanli.store.ids import CountingIds, FakeClock

RESERVE = 10.0
GPUS = 32


@pytest.fixture
def exchange_in(db: Database, tmp_path: Path) -> Iterator[Any]:
    """`exchange_in(mode)`: (supplier, buyer, operator) on an exchange quoting in `mode`."""
    stack = ExitStack()

    def make(mode: str) -> tuple[Api, Api, Api]:
        settings = ServiceSettings(
            telemetry_dir=tmp_path / "telemetry", pricing_mode=mode, market_clear_interval_s=0
        )
        app = create_app(settings, database=db, clock=FakeClock(), new_id=CountingIds())
        client = stack.enter_context(TestClient(app, raise_server_exceptions=False))
        supplier, buyer, operator = (
            account_api(db, client, role, role.value)
            for role in (Role.SUPPLIER, Role.BUYER, Role.OPERATOR)
        )
        operator.ok(operator.post("/v1/regions", {"id": "beijing", "name": "Beijing",
                                                   "lat": 39.9, "lon": 116.4}), 201)  # fmt: skip
        top_up = {"amount_yuan": 1e7}
        operator.ok(operator.post(f"/v1/accounts/{buyer.account_id}/top-ups", top_up), 201)
        supplier.ok(supplier.post("/v1/sites", site("zjk", pool("zjk-h800"))), 201)
        return supplier, buyer, operator

    with stack:
        yield make


def quote_price(buyer: Api, gpus: int = 8, name: str = "j") -> tuple[float, str]:
    job = buyer.ok(buyer.post("/v1/jobs", training(name, gpus=gpus, hours=8.0 * gpus)), 201)
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    (line,) = quote["lines"]
    return line["price_yuan_per_gpu_hour"], quote["id"]


def fill(buyer: Api, gpus: int, name: str) -> None:
    _, quote_id = quote_price(buyer, gpus, name)
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote_id}), 201)


def posted(utilization: float) -> float:
    curve = load_pricing_policy().with_mode(PricingMode.POSTED).posted
    return RESERVE * (1 + curve.max_markup * max(0, (utilization - curve.knee) / (1 - curve.knee))
                      ** curve.exponent)  # fmt: skip


def test_posted_prices_rise_as_the_pool_fills(exchange_in: Any) -> None:
    _, buyer, _ = exchange_in("posted")
    seen = []
    for reserved, step in ((0, 8), (8, 8), (16, 8), (24, 0)):
        price, _ = quote_price(buyer, name=f"q{reserved}")
        assert price == pytest.approx(posted(reserved / GPUS)) and price >= RESERVE
        seen.append(price)
        if step:
            fill(buyer, step, f"r{reserved}")
    assert seen[0] == seen[1] == RESERVE  # at or below the knee (30 %): the reserve
    assert seen[1] < seen[2] < seen[3]
    prices = buyer.ok(buyer.get("/v1/market/prices"))
    (product,) = prices["products"]
    assert prices["mode"] == "posted"
    assert product["pools"][0]["price_yuan_per_gpu_hour"] == pytest.approx(posted(24 / GPUS))


def test_fixed_prices_stay_at_the_reserve(exchange_in: Any) -> None:
    _, buyer, _ = exchange_in("fixed")
    for reserved in (0, 8, 16, 24):
        assert quote_price(buyer, name=f"q{reserved}")[0] == RESERVE
        if reserved < 24:
            fill(buyer, 8, f"r{reserved}")


def test_auction_prices_follow_the_last_clearing(exchange_in: Any) -> None:
    supplier, buyer, operator = exchange_in("auction")
    assert quote_price(buyer, name="before")[0] == RESERVE  # nothing cleared yet
    supplier.ok(supplier.post("/v1/orders", {"side": "sell", "pool": "zjk-h800", "gpus": 8,
                                             "limit_yuan_per_gpu_hour": 13}), 201)  # fmt: skip
    order = {"side": "buy", "product": "H800@Zhangjiakou", "gpus": 8}
    buyer.ok(buyer.post("/v1/orders", order | {"limit_yuan_per_gpu_hour": 15}), 201)
    clearing = operator.ok(operator.post("/v1/market/clear"))["clearing"]
    assert clearing["products"][0]["price_yuan_per_gpu_hour"] == 14.0
    assert quote_price(buyer, name="after")[0] == 14.0
