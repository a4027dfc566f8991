"""The holes of issue 9, tried from the outside through the HTTP API on both databases:
no GPUs held without money, no GPUs held past the start deadline, no supplier moving another
supplier's line, and no pool changing its hardware under a reservation."""

from __future__ import annotations

from typing import Any

import pytest
from exchange_helpers import FORMAT, Api, pool, site, training

from suanli.market.roles import Role
from suanli.store.ids import FakeClock

PRICE = 10.0
"""Yuan per GPU-hour of the pools of `pool()`; the minimum billable unit is one GPU-hour."""
DEADLINE_S = 3600


def balances(api: Api) -> dict[str, float]:
    balances: dict[str, float] = api.ok(api.get("/v1/me"))["balances"]
    return balances


def free(api: Api, pool_id: str) -> int:
    free_gpus: int = api.ok(api.get(f"/v1/pools/{pool_id}"))["free_gpus"]
    return free_gpus


def quote_of(buyer: Api, job: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    created = buyer.ok(buyer.post("/v1/jobs", job), 201)
    return created["id"], buyer.ok(buyer.post("/v1/quotes", {"job_id": created["id"]}), 201)


@pytest.fixture
def listed(supplier: Api) -> Api:
    supplier.ok(supplier.post("/v1/sites", site("zjk", pool("zjk-h800"))), 201)  # 32 GPUs
    return supplier


def test_a_near_zero_job_cannot_hold_gpus_without_money(
    listed: Api, make_api: Any, operator: Api
) -> None:
    hoarder = make_api(Role.BUYER, "hoarder")
    _, quote = quote_of(hoarder, training(gpus=32, hours=0.000001))
    minimum = 32 * 1 * PRICE
    assert quote["total_yuan"] == minimum  # not 0.00: every GPU holds one GPU-hour
    assert quote["lines"][0]["minimum_yuan"] == minimum
    refused = hoarder.post("/v1/reservations", {"quote_id": quote["id"]})
    assert refused.status_code == 409 and "top up" in refused.json()["detail"]
    assert free(hoarder, "zjk-h800") == 32
    ledger = operator.ok(operator.get("/v1/ledger"))
    assert ledger["postings_total_yuan"] == 0


def test_a_free_pool_is_never_quoted(supplier: Api, buyer: Api) -> None:
    supplier.ok(supplier.post("/v1/sites", site("gift", pool("gift-h800", price=0.0))), 201)
    job = buyer.ok(buyer.post("/v1/jobs", training(gpus=8)), 201)
    refused = buyer.post("/v1/quotes", {"job_id": job["id"]})
    assert refused.status_code == 409, refused.text
    assert "0.00 yuan" in refused.json()["detail"]


def test_reservations_not_started_by_the_deadline_return_their_gpus(
    listed: Api, buyer: Api, make_api: Any, operator: Api, clock: FakeClock
) -> None:
    job_id, quote = quote_of(buyer, training(gpus=32, hours=100))
    reservation = buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    held = quote["total_yuan"]
    assert free(buyer, "zjk-h800") == 0
    clock.advance(seconds=DEADLINE_S - 1)
    assert buyer.ok(buyer.get(f"/v1/jobs/{job_id}"))["status"] == "reserved"
    clock.advance(seconds=2)
    other = make_api(Role.BUYER, "next-in-line")
    top_up = {"amount_yuan": 90_000}
    operator.ok(operator.post(f"/v1/accounts/{other.account_id}/top-ups", top_up), 201)
    _, second = quote_of(other, training("j2", gpus=32))  # the sweep runs before the quote
    other.ok(other.post("/v1/reservations", {"quote_id": second["id"]}), 201)
    job = buyer.ok(buyer.get(f"/v1/jobs/{job_id}"))
    assert job["status"] == "expired" and job["lines"][0]["status"] == "expired"
    fee = 32 * 1 * PRICE  # the no-show fee: the minimum billable unit
    assert balances(buyer) | {"credit_limit_yuan": 0.0} == {
        "wallet_yuan": 100_000 - fee,
        "escrow_yuan": 0.0,
        "receivable_yuan": 0.0,
        "credit_limit_yuan": 0.0,
    }
    assert balances(listed)["receivable_yuan"] == round(fee * 0.95, 2)
    bill = buyer.ok(buyer.get(f"/v1/jobs/{job_id}/bill"))
    assert (bill["basis"], bill["charged_yuan"], bill["refunded_yuan"]) == (
        "minimum",
        fee,
        held - fee,
    )
    late = listed.post(f"/v1/jobs/{job_id}/start")
    assert late.status_code == 409 and "expired" in late.json()["detail"]
    released = buyer.ok(buyer.get(f"/v1/reservations/{reservation['id']}"))
    assert released["status"] == "released"
    assert operator.ok(operator.get("/v1/ledger"))["postings_total_yuan"] == 0


def test_the_sweep_expires_due_lines_without_any_other_request(
    listed: Api, buyer: Api, operator: Api, clock: FakeClock
) -> None:
    job_id, quote = quote_of(buyer, training(gpus=16))
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    assert operator.ok(operator.post("/v1/reservations/expire-due")) == {"jobs": 0}
    clock.advance(seconds=DEADLINE_S)
    assert operator.ok(operator.post("/v1/reservations/expire-due")) == {"jobs": 1}
    assert free(buyer, "zjk-h800") == 32
    assert buyer.ok(buyer.get(f"/v1/jobs/{job_id}"))["status"] == "expired"
    assert buyer.post("/v1/reservations/expire-due").status_code == 403


def test_a_started_line_does_not_expire(listed: Api, buyer: Api, clock: FakeClock) -> None:
    job_id, quote = quote_of(buyer, training(gpus=8))
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    listed.ok(listed.post(f"/v1/jobs/{job_id}/start"))
    clock.advance(seconds=10 * DEADLINE_S)
    done = listed.ok(listed.post(f"/v1/jobs/{job_id}/complete"))
    assert done["status"] == "completed"


def test_quotes_read_expired_and_superseded(listed: Api, buyer: Api, clock: FakeClock) -> None:
    job_id, first = quote_of(buyer, training(gpus=8))
    second = buyer.ok(buyer.post("/v1/quotes", {"job_id": job_id}), 201)
    clock.advance(seconds=301)
    assert buyer.ok(buyer.get(f"/v1/quotes/{first['id']}"))["status"] == "expired"
    third = buyer.ok(buyer.post("/v1/quotes", {"job_id": job_id}), 201)
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": third["id"]}), 201)
    statuses = {q["id"]: q["status"] for q in buyer.ok(buyer.get("/v1/quotes"))}
    superseded = {first["id"]: "superseded", second["id"]: "superseded"}
    assert statuses == superseded | {third["id"]: "accepted"}
    job2, open_quote = quote_of(buyer, training("j2", gpus=8))
    buyer.ok(buyer.post(f"/v1/jobs/{job2}/cancel"))
    assert buyer.ok(buyer.get(f"/v1/quotes/{open_quote['id']}"))["status"] == "superseded"


def test_quotes_per_job_are_bounded(listed: Api, buyer: Api) -> None:
    job_id, _ = quote_of(buyer, training(gpus=8))
    for _ in range(19):  # the default bound is 20
        buyer.ok(buyer.post("/v1/quotes", {"job_id": job_id}), 201)
    refused = buyer.post("/v1/quotes", {"job_id": job_id})
    assert refused.status_code == 409 and "20 quotes" in refused.json()["detail"]


# --- a job shared by two suppliers: each reports, and is paid for, only its own line ---

SHANGHAI = {"lat": 31.23, "lon": 121.47}
BEIJING = {"lat": 39.90, "lon": 116.40}


def shared_service() -> dict[str, Any]:
    """One inference service with demand in Beijing and Shanghai within 10 ms: a line at a
    site of each city."""
    service = {
        "id": "chat",
        "model_weights_gb": 60,
        "demand_rps": {"beijing": 2, "shanghai": 2},
        "input_tokens_per_request": 500,
        "output_tokens_per_request": 200,
        "latency_slo_rtt_ms": 10,
        "max_price_yuan_per_h100_decode_hour": 40,
    }
    return {"format": FORMAT, "name": "w", "inference_services": [service]}


@pytest.fixture
def two_suppliers(make_api: Any, supplier: Api) -> tuple[Api, Api]:
    other = make_api(Role.SUPPLIER, "supplier-b")
    supplier.ok(supplier.post("/v1/sites", site("bj", pool("bj-h800"), **BEIJING)), 201)
    other.ok(other.post("/v1/sites", site("sh", pool("sh-h800"), **SHANGHAI)), 201)
    return supplier, other


def test_a_supplier_moves_only_its_own_line(
    two_suppliers: tuple[Api, Api], buyer: Api, operator: Api
) -> None:
    a, b = two_suppliers
    job_id, quote = quote_of(buyer, shared_service())
    by_supplier = {line["supplier_id"]: line for line in quote["lines"]}
    assert set(by_supplier) == {a.account_id, b.account_id}
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    line_a = by_supplier[a.account_id]

    started = a.ok(a.post(f"/v1/jobs/{job_id}/start"))
    assert started["status"] == "running"
    assert [(x["pool_id"], x["status"]) for x in started["lines"]] == [("bj-h800", "running")]
    done = a.ok(a.post(f"/v1/jobs/{job_id}/complete"))
    assert [x["status"] for x in done["lines"]] == ["completed"]
    assert buyer.ok(buyer.get(f"/v1/jobs/{job_id}"))["status"] == "running"  # b still reserved
    assert free(buyer, "bj-h800") == 32 and free(buyer, "sh-h800") < 32

    # b cannot complete (nor fail) a's line: its own is only reserved
    early = b.post(f"/v1/jobs/{job_id}/complete")
    assert early.status_code == 409 and "is reserved: it cannot complete" in early.text
    assert balances(a)["receivable_yuan"] == round(line_a["cost_yuan"] * 0.95, 2)
    assert balances(b)["receivable_yuan"] == 0.0

    b.ok(b.post(f"/v1/jobs/{job_id}/fail"))
    job = buyer.ok(buyer.get(f"/v1/jobs/{job_id}"))
    assert job["status"] == "failed"  # a mix of completed and failed lines
    assert {x["status"] for x in job["lines"]} == {"completed", "failed"}
    wallet = 100_000 - line_a["cost_yuan"]  # a's line paid as reserved, b's refunded
    assert balances(buyer)["wallet_yuan"] == round(wallet, 2)
    assert balances(b)["receivable_yuan"] == 0.0
    bill = buyer.ok(buyer.get(f"/v1/jobs/{job_id}/bill"))
    assert {(x["supplier_id"], x["basis"]) for x in bill["lines"]} == {
        (a.account_id, "reserved"),  # no telemetry: billed as reserved
        (b.account_id, "refunded"),
    }
    assert bill["basis"] == "mixed" and bill["final"] is True
    assert operator.ok(operator.get("/v1/ledger"))["postings_total_yuan"] == 0


def test_each_supplier_sees_only_its_own_money(two_suppliers: tuple[Api, Api], buyer: Api) -> None:
    a, b = two_suppliers
    job_id, quote = quote_of(buyer, shared_service())
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    for api in (a, b):
        api.ok(api.post(f"/v1/jobs/{job_id}/start"))
        api.ok(api.post(f"/v1/jobs/{job_id}/complete"))
    for api, other in ((a, b), (b, a)):
        entries = api.ok(api.get("/v1/ledger/entries", params={"job_id": job_id}))
        shown = {p["account_id"] for e in entries for p in e["postings"]}
        assert f"receivable:{other.account_id}" not in shown
        assert f"receivable:{api.account_id}" in shown
        assert f"escrow:{buyer.account_id}" in shown  # what the buyer paid for this line
        for entry in entries:
            total = sum(p["amount_yuan"] for p in entry["postings"]) + entry["others_yuan"]
            assert total == pytest.approx(0)
        seen = api.ok(api.get(f"/v1/quotes/{quote['id']}"))
        assert {line["supplier_id"] for line in seen["lines"]} == {api.account_id}
        bill = api.ok(api.get(f"/v1/jobs/{job_id}/bill"))
        assert {line["supplier_id"] for line in bill["lines"]} == {api.account_id}
    every = buyer.ok(buyer.get("/v1/ledger/entries", params={"job_id": job_id}))
    assert sorted(e["kind"] for e in every) == ["hold", "hold", "settle", "settle"]


def test_the_operator_may_move_every_line(
    two_suppliers: tuple[Api, Api], buyer: Api, operator: Api
) -> None:
    job_id, quote = quote_of(buyer, shared_service())
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    started = operator.ok(operator.post(f"/v1/jobs/{job_id}/start"))
    assert {x["status"] for x in started["lines"]} == {"running"}
    cancel = buyer.post(f"/v1/jobs/{job_id}/cancel")
    assert cancel.status_code == 409 and "no longer be cancelled" in cancel.json()["detail"]
    done = operator.ok(operator.post(f"/v1/jobs/{job_id}/complete"))
    assert done["status"] == "completed"


# --- pools keep their hardware while reserved; shapes must be plausible ---


@pytest.mark.parametrize(
    "change",
    [
        {"gpu_model": "A800"},
        {"fabric": "roce"},
        {"gpus_per_node": 4},
        {"cpu_milli_per_node": 96000},
        {"memory_mib_per_node": 1048576},
    ],
)
def test_a_reserved_pool_keeps_its_hardware(
    change: dict[str, Any], listed: Api, buyer: Api
) -> None:
    job_id, quote = quote_of(buyer, training(gpus=8))
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    refused = listed.patch("/v1/pools/zjk-h800", change)
    assert refused.status_code == 409, refused.text
    field = next(iter(change))
    assert field in refused.json()["detail"] and "cannot change" in refused.json()["detail"]
    unchanged = listed.ok(listed.get("/v1/pools/zjk-h800"))
    assert unchanged[field] == pool("zjk-h800")[field]
    listed.ok(listed.patch("/v1/pools/zjk-h800", {"reserve_price_yuan_per_gpu_hour": 12}))
    listed.ok(listed.patch("/v1/pools/zjk-h800", {"nodes": 5}))
    listed.ok(listed.post(f"/v1/jobs/{job_id}/fail"))
    changed = listed.ok(listed.patch("/v1/pools/zjk-h800", change))
    assert changed[field] == change[field]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("gpus_per_node", 32, "1..16"),
        ("cpu_milli_per_node", 10_000_000, "1000..1024000"),
        ("cpu_milli_per_node", 4, "1000..1024000"),
        ("memory_mib_per_node", 100_000_000, "1024..33554432"),
    ],
)
def test_implausible_pool_shapes_are_refused(
    field: str, value: int, says: str, supplier: Api
) -> None:
    refused = supplier.post("/v1/sites", site("odd", pool("odd-h800") | {field: value}))
    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == [f"body.pools[0].{field}"]
    assert says in errors[0]["message"] and "no server" in errors[0]["message"]
    assert supplier.ok(supplier.get("/v1/sites")) == []
