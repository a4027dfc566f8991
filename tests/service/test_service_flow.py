"""A job's way through the exchange: submit, quote, reserve, start, complete (or fail, cancel),
with the money and the GPUs where they should be at each step."""

from __future__ import annotations

import pytest
from exchange_helpers import Api, pool, site, training

from suanli.store.ids import FakeClock


def reserve(buyer: Api, job: dict | None = None) -> tuple[str, dict, dict]:
    created = buyer.ok(buyer.post("/v1/jobs", job or training()), 201)
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": created["id"]}), 201)
    reservation = buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    return created["id"], quote, reservation


def pool_state(api: Api, pool_id: str) -> dict:
    return api.ok(api.get(f"/v1/pools/{pool_id}"))


def balances(api: Api) -> dict:
    return api.ok(api.get("/v1/me"))["balances"]


@pytest.fixture
def listed(supplier: Api) -> Api:
    supplier.ok(supplier.post("/v1/sites", site("zjk", pool("zjk-h800"))), 201)
    return supplier


def test_completed_job_pays_supplier_and_fee(listed: Api, buyer: Api, operator: Api) -> None:
    job_id, quote, reservation = reserve(buyer)
    line = quote["lines"][0]
    assert (line["pool_id"], line["gpus"], line["cost_yuan"]) == ("zjk-h800", 8, 800.0)
    assert reservation["total_yuan"] == quote["total_yuan"] == 800.0
    assert pool_state(buyer, "zjk-h800")["reserved_gpus"] == 8
    assert balances(buyer) | {} == {
        "wallet_yuan": 99200.0,
        "escrow_yuan": 800.0,
        "receivable_yuan": 0.0,
        "credit_limit_yuan": 0.0,
    }
    assert listed.ok(listed.post(f"/v1/jobs/{job_id}/start"))["status"] == "running"
    done = listed.ok(listed.post(f"/v1/jobs/{job_id}/complete"))
    assert done["status"] == "completed" and done["next_events"] == []
    assert pool_state(buyer, "zjk-h800")["reserved_gpus"] == 0
    assert balances(buyer)["escrow_yuan"] == 0.0
    assert balances(listed)["receivable_yuan"] == 760.0  # 800 less the 5 % fee
    ledger = operator.ok(operator.get("/v1/ledger"))
    fees = next(a for a in ledger["accounts"] if a["id"] == "platform:fees")
    assert fees["balance_yuan"] == 40.0 and ledger["postings_total_yuan"] == 0.0
    kinds = [
        e["kind"] for e in buyer.ok(buyer.get("/v1/ledger/entries", params={"job_id": job_id}))
    ]
    assert kinds == ["hold", "settle"]


@pytest.mark.parametrize("how", ["fail", "cancel"])
def test_failed_or_cancelled_job_is_refunded(how: str, listed: Api, buyer: Api) -> None:
    """A failure is the supplier's: all is refunded. A cancel is the buyer's: it pays the
    minimum billable unit, one GPU-hour per GPU at the line's price (8 × 10 yuan)."""
    job_id, _, _ = reserve(buyer)
    actor = listed if how == "fail" else buyer
    assert actor.ok(actor.post(f"/v1/jobs/{job_id}/{how}"))["status"] in ("failed", "cancelled")
    minimum = 8 * 1 * 10.0
    assert balances(buyer)["wallet_yuan"] == 100000.0 - (minimum if how == "cancel" else 0)
    assert balances(listed)["receivable_yuan"] == (minimum * 0.95 if how == "cancel" else 0)
    assert pool_state(buyer, "zjk-h800")["reserved_gpus"] == 0
    reservations = buyer.ok(buyer.get("/v1/reservations"))
    assert [r["status"] for r in reservations] == ["released"]


def test_transitions_outside_the_table_are_409(listed: Api, buyer: Api) -> None:
    job = buyer.ok(buyer.post("/v1/jobs", training()), 201)
    response = buyer.post(f"/v1/jobs/{job['id']}/cancel")
    assert buyer.ok(response)["status"] == "cancelled"
    again = buyer.post("/v1/quotes", {"job_id": job["id"]})
    assert again.status_code == 409
    assert "a cancelled job cannot quote" in again.json()["detail"]
    job_id, _, _ = reserve(buyer, training("j2"))
    early = listed.post(f"/v1/jobs/{job_id}/complete")
    assert early.status_code == 409 and "from reserved it may: start, fail, cancel" in early.text


def test_expired_quote_cannot_be_reserved(listed: Api, buyer: Api, clock: FakeClock) -> None:
    job = buyer.ok(buyer.post("/v1/jobs", training()), 201)
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    clock.advance(seconds=301)
    late = buyer.post("/v1/reservations", {"quote_id": quote["id"]})
    assert late.status_code == 409 and "expired" in late.json()["detail"]
    fresh = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": fresh["id"]}), 201)


def test_reservation_rechecks_capacity(listed: Api, buyer: Api) -> None:
    """Two quotes made on the same free GPUs: the second reservation finds them taken."""
    jobs = [buyer.ok(buyer.post("/v1/jobs", training(f"j{i}", gpus=24)), 201) for i in range(2)]
    quotes = [buyer.ok(buyer.post("/v1/quotes", {"job_id": j["id"]}), 201) for j in jobs]
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quotes[0]["id"]}), 201)
    second = buyer.post("/v1/reservations", {"quote_id": quotes[1]["id"]})
    assert second.status_code == 409
    assert "has 8 GPUs free now, 24 are needed" in second.json()["detail"]
    assert balances(buyer)["escrow_yuan"] == quotes[0]["total_yuan"]
    no_room = buyer.post("/v1/quotes", {"job_id": jobs[1]["id"]})
    assert no_room.status_code == 409 and no_room.json()["detail"].startswith("no quote")


def test_wallet_without_money_or_credit_cannot_reserve(
    listed: Api, make_api, operator: Api
) -> None:
    from suanli.market.roles import Role

    poor = make_api(Role.BUYER, "poor")
    job = poor.ok(poor.post("/v1/jobs", training()), 201)
    quote = poor.ok(poor.post("/v1/quotes", {"job_id": job["id"]}), 201)
    refused = poor.post("/v1/reservations", {"quote_id": quote["id"]})
    assert refused.status_code == 409 and "top up" in refused.json()["detail"]
    operator.ok(operator.put(f"/v1/accounts/{poor.account_id}/credit-limit", {"limit_yuan": 1000}))
    poor.ok(poor.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    assert balances(poor)["wallet_yuan"] == -800.0
    lower = operator.put(f"/v1/accounts/{poor.account_id}/credit-limit", {"limit_yuan": 100})
    assert lower.status_code == 409 and "owes 800.00 yuan" in lower.json()["detail"]


def test_pools_with_reservations_keep_their_gpus(listed: Api, buyer: Api) -> None:
    reserve(buyer, training(gpus=16))
    shrink = listed.patch("/v1/pools/zjk-h800", {"nodes": 1})
    assert shrink.status_code == 409 and "16 GPUs reserved" in shrink.json()["detail"]
    grown = listed.ok(
        listed.patch("/v1/pools/zjk-h800", {"nodes": 6, "reserve_price_yuan_per_gpu_hour": 9})
    )
    assert (grown["gpus"], grown["free_gpus"]) == (48, 32)
    assert listed.delete("/v1/pools/zjk-h800").status_code == 409
    assert listed.delete("/v1/sites/zjk").status_code == 409


def test_site_crud(listed: Api, buyer: Api) -> None:
    renamed = listed.ok(listed.patch("/v1/sites/zjk", {"name": "North", "hub": None}))
    assert renamed["name"] == "North" and renamed["pools"][0]["id"] == "zjk-h800"
    added = listed.ok(listed.post("/v1/sites/zjk/pools", pool("zjk-a800", "A800", 2, 7.5)), 201)
    assert added["gpus"] == 16
    assert len(buyer.ok(buyer.get("/v1/pools", params={"site_id": "zjk"}))) == 2
    assert listed.delete("/v1/pools/zjk-a800").status_code == 204
    assert listed.delete("/v1/sites/zjk").status_code == 204
    assert buyer.get("/v1/sites/zjk").status_code == 404
    assert buyer.ok(buyer.get("/v1/sites")) == []
    taken = listed.post("/v1/sites", site("zjk", pool("zjk-new")))
    assert taken.status_code == 409 and "taken" in taken.json()["detail"]


def test_inference_service_is_quoted(listed: Api, buyer: Api) -> None:
    from exchange_helpers import inference

    job = buyer.ok(buyer.post("/v1/jobs", inference()), 201)
    assert job["kind"] == "inference"
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    assert quote["lines"] and quote["lines"][0]["est_hours"] == 24
