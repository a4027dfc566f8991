"""Every POST takes an Idempotency-Key: the same key and request again returns the first
response and changes nothing; the same key with another request is refused."""

from __future__ import annotations

from exchange_helpers import Api, pool, site, training

from suanli.market.roles import Role


def test_top_up_twice_pays_once(operator: Api, buyer: Api) -> None:
    path = f"/v1/accounts/{buyer.account_id}/top-ups"
    first = operator.post(path, {"amount_yuan": 50}, key="t-1")
    again = operator.post(path, {"amount_yuan": 50}, key="t-1")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert buyer.ok(buyer.get("/v1/me"))["balances"]["wallet_yuan"] == 100050.0
    other = operator.post(path, {"amount_yuan": 51}, key="t-1")
    assert other.status_code == 422 and "different request" in other.json()["detail"]


def test_replays_change_nothing_even_after_the_state_moved_on(
    operator: Api, supplier: Api, buyer: Api
) -> None:
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    job = buyer.ok(buyer.post("/v1/jobs", training(), key="job-1"), 201)
    assert buyer.ok(buyer.post("/v1/jobs", training(), key="job-1"), 201) == job
    assert len(buyer.ok(buyer.get("/v1/jobs"))) == 1
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}, key="q-1"), 201)
    reservation = buyer.post("/v1/reservations", {"quote_id": quote["id"]}, key="r-1")
    started = supplier.post(f"/v1/jobs/{job['id']}/start", key="s-1")
    completed = supplier.ok(supplier.post(f"/v1/jobs/{job['id']}/complete", key="c-1"))
    ledger = operator.ok(operator.get("/v1/ledger"))
    for api, path, body, key, first in [
        (buyer, "/v1/quotes", {"job_id": job["id"]}, "q-1", quote),
        (buyer, "/v1/reservations", {"quote_id": quote["id"]}, "r-1", reservation.json()),
        (supplier, f"/v1/jobs/{job['id']}/start", None, "s-1", started.json()),
        (supplier, f"/v1/jobs/{job['id']}/complete", None, "c-1", completed),
    ]:
        assert api.post(path, body, key=key).json() == first
    assert operator.ok(operator.get("/v1/ledger")) == ledger
    assert len(buyer.ok(buyer.get("/v1/quotes"))) == 1


def test_keys_belong_to_one_account(make_api, operator: Api, buyer: Api) -> None:
    other = make_api(Role.BUYER, "other")
    mine = buyer.ok(buyer.post("/v1/jobs", training(), key="k"), 201)
    theirs = other.ok(other.post("/v1/jobs", training(), key="k"), 201)
    assert mine["id"] != theirs["id"] and theirs["buyer_id"] == other.account_id


def test_a_refusal_is_the_first_response_too(make_api, operator: Api, supplier: Api) -> None:
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    poor = make_api(Role.BUYER, "poor")
    job = poor.ok(poor.post("/v1/jobs", training()), 201)
    quote = poor.ok(poor.post("/v1/quotes", {"job_id": job["id"]}), 201)
    body = {"quote_id": quote["id"]}
    refused = poor.post("/v1/reservations", body, key="r")
    assert refused.status_code == 409 and "top up" in refused.json()["detail"]
    operator.ok(operator.post(f"/v1/accounts/{poor.account_id}/top-ups", {"amount_yuan": 1e4}), 201)
    again = poor.post("/v1/reservations", body, key="r")
    assert (again.status_code, again.json()) == (409, refused.json())
    assert again.headers["content-type"] == "application/problem+json"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert poor.post("/v1/reservations", body, key="r2").status_code == 201
    missing = poor.post("/v1/quotes", {"job_id": "job_missing"}, key="q")
    assert poor.post("/v1/quotes", {"job_id": "job_missing"}, key="q").json() == missing.json()


def test_a_complete_refused_before_it_runs_is_stored_like_any_refusal(
    buyer: Api, supplier: Api
) -> None:
    """Completing a job the supplier may not see is refused (404) in the audit's read, before
    the write; its key still replays the same refusal."""
    job = buyer.ok(buyer.post("/v1/jobs", training(), key="job-9"), 201)
    first = supplier.post(f"/v1/jobs/{job['id']}/complete", key="k-complete")
    again = supplier.post(f"/v1/jobs/{job['id']}/complete", key="k-complete")
    assert first.status_code == again.status_code == 404
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
