"""The exchange in `suanli demo`: the service in-process on a SQLite file of the demo's folder,
driven through its HTTP API as its users would drive it.

1. the operator loads the network (its sites belong to one supplier) and opens a buyer's
   account with a top-up;
2. the buyer submits a fine-tuning job, is quoted and reserves it;
3. the supplier starts it and pushes the dcgm-exporter telemetry of its GPUs (generated:
   busy for a little less than the quote estimated), then reports it completed;
4. the bill is on the GPU-hours the telemetry audit certifies; the rest is refunded.
A fake clock moves the story along and ids are counted, so the same seed prints the same story.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from suanli.domain import Network
from suanli.formats import FORMATS
from suanli.market.roles import Role
from suanli.metering import generate
from suanli.service.app import create_app
from suanli.service.settings import ServiceSettings
from suanli.store.accounts import Principal, account_for_key, issue_key
from suanli.store.engine import Database, open_database
from suanli.store.ids import CountingIds, FakeClock, random_secret
from suanli.store.migrate import upgrade
from suanli.store.network_load import load_network

START = datetime(2025, 7, 1, tzinfo=UTC)
TOP_UP_YUAN = 20_000
BUSY_SHARE = 0.8
"""The job's GPUs work for this share of the hours the quote estimated, so its bill is less
than what it reserved."""
WINDOW_H = 5 / 60
"""The audit certifies whole 5-minute windows."""


def demo_job(region: str) -> dict[str, Any]:
    """A fine-tuning job of 8 GPUs, its data in `region`."""
    job = {
        "id": "demo-finetune",
        "gpus": 8,
        "work_h100_gpu_hours": 16,
        "max_price_yuan_per_gpu_hour": 40,
        "deadline_hours": 48,
        "data_region": region,
    }
    return {"format": FORMATS["workload"], "name": "demo", "training_jobs": [job]}


@dataclass
class Caller:
    """One API key's requests; every answer must have the expected status."""

    client: TestClient
    key: str

    def call(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.key}"} | kw.pop("headers", {})
        response = self.client.request(method, path, headers=headers, **kw)
        if response.status_code != status:
            raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text}")
        return response.json()


def run_exchange(folder: Path, network: Network, seed: int) -> dict[str, Any]:
    """Steps 1–4 of the module docstring; what each answered."""
    database = open_database(f"sqlite:///{folder / 'exchange.db'}")
    try:
        upgrade(database)
        operator_key, supplier_key = _keys(database, network)
        settings = ServiceSettings(data_dir=folder, telemetry_dir=folder / "telemetry")
        clock = FakeClock(START)
        app = create_app(settings, database=database, clock=clock, new_id=CountingIds())
        with TestClient(app) as client:
            operator, supplier = Caller(client, operator_key), Caller(client, supplier_key)
            return _story(operator, supplier, clock, folder, network, seed)
    finally:
        database.dispose()


def _keys(database: Database, network: Network) -> tuple[str, str]:
    """The operator's key, and the key of the supplier that owns the network's sites (ids of
    their own, apart from those the app counts)."""
    counting = CountingIds()

    def ids(prefix: str) -> str:
        return counting(f"{prefix}_setup")

    with database.write() as session:
        operator = account_for_key(
            session=session, name="operator", role=Role.OPERATOR, now=START, new_id=ids
        )
        supplier = account_for_key(
            session=session, name="network", role=Role.SUPPLIER, now=START, new_id=ids
        )
        actor = Principal(supplier.id, supplier.name, Role.SUPPLIER)
        load_network(session=session, network=network, actor=actor)
        keys = [
            issue_key(session=session, account=a, now=START, new_id=ids, new_secret=random_secret)
            for a in (operator, supplier)
        ]
    return keys[0], keys[1]


def _story(
    operator: Caller,
    supplier: Caller,
    clock: FakeClock,
    folder: Path,
    network: Network,
    seed: int,
) -> dict[str, Any]:
    created = operator.call("POST", "/v1/accounts", 201, json={"name": "demo-lab", "role": "buyer"})
    buyer = Caller(operator.client, created["api_key"])
    buyer_id = created["account"]["id"]
    operator.call(
        "POST", f"/v1/accounts/{buyer_id}/top-ups", 201, json={"amount_yuan": TOP_UP_YUAN}
    )
    job = buyer.call("POST", "/v1/jobs", 201, json=demo_job(network.regions[0].id))
    quote = buyer.call("POST", "/v1/quotes", 201, json={"job_id": job["id"]})
    reservation = buyer.call("POST", "/v1/reservations", 201, json={"quote_id": quote["id"]})
    supplier.call("POST", f"/v1/jobs/{job['id']}/start")
    hours = _busy_hours(quote)
    pushed = [_push(supplier, line, job["id"], hours, folder, seed) for line in quote["lines"]]
    clock.advance(hours=hours)
    supplier.call("POST", f"/v1/jobs/{job['id']}/complete")
    return {
        "database": str(folder / "exchange.db"),
        "buyer": buyer_id,
        "top_up_yuan": TOP_UP_YUAN,
        "job": job["id"],
        "quote": quote,
        "reservation": reservation,
        "telemetry": {"busy_hours": hours, "samples": sum(pushed)},
        "bill": buyer.call("GET", f"/v1/jobs/{job['id']}/bill"),
        "buyer_balances": buyer.call("GET", "/v1/me")["balances"],
        "supplier_balances": supplier.call("GET", "/v1/me")["balances"],
        "postings_total_yuan": operator.call("GET", "/v1/ledger")["postings_total_yuan"],
    }


def _busy_hours(quote: dict[str, Any]) -> float:
    """`BUSY_SHARE` of the quote's estimated hours, in whole audit windows (at least one)."""
    estimated = max(float(line["est_hours"]) for line in quote["lines"])
    return max(1, math.floor(estimated * BUSY_SHARE / WINDOW_H)) * WINDOW_H


def _push(
    supplier: Caller, line: dict[str, Any], job_id: str, hours: float, folder: Path, seed: int
) -> int:
    """Generate the telemetry of the line's GPUs (all training) and push it; samples stored."""
    out = folder / "telemetry-generated" / str(line["pool_id"])
    report = generate(
        "training",
        line["gpus"],
        hours,
        seed,
        out,
        site=line["site_id"],
        model=line["gpu_model"],
        start_ms=int(START.timestamp() * 1000),
        job=job_id,
    )
    stored = 0
    for file in report.files:
        receipt = supplier.call(
            "POST",
            "/v1/telemetry",
            201,
            content=Path(file).read_bytes(),
            headers={"Content-Type": "text/plain; version=0.0.4"},
        )
        stored += int(receipt["samples_stored"])
    return stored
