"""Role rules: a buyer never sees another buyer's jobs; a supplier never changes another
supplier's sites; an auditor reads everything and changes nothing."""

from __future__ import annotations

import pytest
from exchange_helpers import Api, pool, site, training

from suanli.market.roles import Role


@pytest.fixture
def two_buyers(make_api, operator: Api, supplier: Api) -> tuple[Api, Api]:
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    buyers = (make_api(Role.BUYER, "b1"), make_api(Role.BUYER, "b2"))
    for b in buyers:
        operator.ok(
            operator.post(f"/v1/accounts/{b.account_id}/top-ups", {"amount_yuan": 1e5}), 201
        )
    return buyers


def test_a_buyer_never_sees_another_buyers_jobs(two_buyers: tuple[Api, Api]) -> None:
    mine, theirs = two_buyers
    job = theirs.ok(theirs.post("/v1/jobs", training()), 201)
    quote = theirs.ok(theirs.post("/v1/quotes", {"job_id": job["id"]}), 201)
    assert mine.ok(mine.get("/v1/jobs")) == []
    assert mine.get(f"/v1/jobs/{job['id']}").status_code == 404
    assert mine.ok(mine.get("/v1/quotes")) == []
    assert mine.get(f"/v1/quotes/{quote['id']}").status_code == 404
    assert mine.post("/v1/quotes", {"job_id": job["id"]}).status_code == 404
    assert mine.post("/v1/reservations", {"quote_id": quote["id"]}).status_code == 404
    assert mine.post(f"/v1/jobs/{job['id']}/cancel").status_code == 404
    assert mine.get(f"/v1/accounts/{theirs.account_id}").status_code == 404
    reservation = theirs.ok(theirs.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    assert mine.get(f"/v1/reservations/{reservation['id']}").status_code == 404
    assert mine.ok(mine.get("/v1/ledger/entries")) == [
        e for e in mine.ok(mine.get("/v1/ledger/entries")) if e["job_id"] is None
    ]
    assert [j["id"] for j in theirs.ok(theirs.get("/v1/jobs"))] == [job["id"]]


def test_a_supplier_never_changes_another_suppliers_sites(make_api, supplier: Api) -> None:
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    rival = make_api(Role.SUPPLIER, "supplier-b")
    assert rival.patch("/v1/sites/s1", {"name": "mine now"}).status_code == 403
    assert rival.delete("/v1/sites/s1").status_code == 403
    assert rival.post("/v1/sites/s1/pools", pool("p9")).status_code == 403
    assert rival.patch("/v1/pools/p1", {"reserve_price_yuan_per_gpu_hour": 0}).status_code == 403
    assert rival.delete("/v1/pools/p1").status_code == 403
    assert rival.ok(rival.get("/v1/sites/s1"))["name"] == "S1"
    assert rival.ok(rival.get("/v1/sites", params={"mine": True})) == []


def test_suppliers_see_and_report_only_jobs_on_their_pools(
    make_api, supplier: Api, two_buyers: tuple[Api, Api]
) -> None:
    buyer = two_buyers[0]
    job = buyer.ok(buyer.post("/v1/jobs", training()), 201)
    rival = make_api(Role.SUPPLIER, "supplier-b")
    assert supplier.ok(supplier.get("/v1/jobs")) == []  # not reserved yet
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    assert [j["id"] for j in supplier.ok(supplier.get("/v1/jobs"))] == [job["id"]]
    assert rival.ok(rival.get("/v1/jobs")) == []
    assert rival.post(f"/v1/jobs/{job['id']}/start").status_code == 404
    assert buyer.post(f"/v1/jobs/{job['id']}/start").status_code == 403
    assert supplier.post(f"/v1/jobs/{job['id']}/cancel").status_code == 403


def test_an_auditor_reads_everything_and_changes_nothing(
    make_api, operator: Api, two_buyers: tuple[Api, Api]
) -> None:
    auditor = make_api(Role.AUDITOR, "audit")
    two_buyers[0].ok(two_buyers[0].post("/v1/jobs", training()), 201)
    assert len(auditor.ok(auditor.get("/v1/jobs"))) == 1
    assert auditor.ok(auditor.get("/v1/ledger"))["postings_total_yuan"] == 0
    assert len(auditor.ok(auditor.get("/v1/accounts"))) == 5
    for path, body in [
        ("/v1/jobs", training()),
        ("/v1/sites", site("x", pool("y"))),
        ("/v1/accounts", {"name": "x", "role": "buyer"}),
    ]:
        assert auditor.post(path, body).status_code == 403
    assert auditor.patch("/v1/sites/s1", {"name": "x"}).status_code == 403


def test_only_operators_manage_accounts_and_money(
    operator: Api, two_buyers: tuple[Api, Api], supplier: Api
) -> None:
    buyer = two_buyers[0]
    assert (
        buyer.post(f"/v1/accounts/{buyer.account_id}/top-ups", {"amount_yuan": 1}).status_code
        == 403
    )
    assert (
        buyer.put(f"/v1/accounts/{buyer.account_id}/credit-limit", {"limit_yuan": 1}).status_code
        == 403
    )
    assert supplier.get("/v1/ledger").status_code == 403
    assert buyer.post("/v1/sites", site("x", pool("y"))).status_code == 403
    created = operator.ok(operator.post("/v1/accounts", {"name": "b3", "role": "buyer"}), 201)
    new = Api(buyer.client, created["api_key"], created["account"]["id"])
    assert new.ok(new.get("/v1/me"))["account"]["name"] == "b3"
