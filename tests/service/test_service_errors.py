"""Errors are application/problem+json with a detail that says what to fix; validation errors
list field paths; bad input never gets a 500."""

from __future__ import annotations

import pytest
from exchange_helpers import Api, pool, site, training
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:suanli:problem:")
    assert body["detail"] and body["title"]
    return body


def test_missing_or_unknown_key_is_401(client: TestClient, operator: Api) -> None:
    body = problem(client.get("/v1/jobs"), 401)
    assert "Authorization: Bearer KEY" in body["detail"]
    assert client.get("/v1/jobs").headers["www-authenticate"] == "Bearer"
    wrong = client.get("/v1/jobs", headers={"Authorization": "Bearer sk_nope"})
    assert "unknown or revoked API key" in problem(wrong, 401)["detail"]


def test_unknown_route_and_method(client: TestClient, buyer: Api) -> None:
    assert "see /docs" in problem(client.get("/v1/nothing"), 404)["detail"]
    assert problem(client.delete("/v1/jobs"), 405)["title"] == "Method Not Allowed"
    assert "no job 'job_x'" in problem(buyer.get("/v1/jobs/job_x"), 404)["detail"]


def test_workload_problems_have_field_paths(buyer: Api) -> None:
    bad = training(gpus=0, data_region="mars")
    body = problem(buyer.post("/v1/jobs", bad), 422)
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields["body.training_jobs[0].gpus"] == "must be >= 1, got 0"
    assert "unknown region 'mars'" in fields["body.training_jobs[0].data_region"]
    assert body["detail"].startswith("fix the request body: ")


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        (b"", "body", "is empty"),
        (b"{not json", "body", "is not valid JSON"),
        (b'{"a": NaN}', "body", "NaN is not a JSON number"),
        (b"\xff\xfe", "body", "UTF-8"),
        (b'{"format": "suanli.workload/v1", "name": "a\\u0000b"}', "body.name", "NUL"),
        (
            b'{"format": "suanli.workload/v1", "name": "w", "pods": [], "training_jobs": []}',
            "body",
            "this body holds 0",
        ),
        (
            b'{"format": "suanli.network/v1", "name": "n", "regions": [], "sites": []}',
            "body.format",
            "this is a network file",
        ),
    ],
)
def test_malformed_bodies_are_422(buyer: Api, raw: bytes, field: str, message: str) -> None:
    response = buyer.client.post("/v1/jobs", content=raw, headers=buyer.headers())
    errors = problem(response, 422)["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors


def test_site_problems_point_into_the_body(supplier: Api) -> None:
    body = problem(supplier.post("/v1/sites", site("s-1", pool("p 1"), lat=95)), 422)
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert set(fields) == {"body.pools[0].id", "body.lat"}
    assert fields["body.lat"] == "must be within -90..90, got 95"
    huge = problem(supplier.post("/v1/sites", site("s-1", pool("p1", nodes=10**12))), 422)
    assert huge["errors"] == [
        {"field": "body.pools[0].nodes", "message": "must be within ±2147483647, got 1000000000000"}
    ]
    big = problem(supplier.post("/v1/sites", site("s-1", pool("p1", nodes=2**30))), 422)
    assert big["errors"][0]["field"] == "body.pools[0]"
    supplier.ok(supplier.post("/v1/sites", site("s-1", pool("p1"))), 201)
    patch = problem(supplier.patch("/v1/pools/p1", {"fabric": "smoke", "id": "p2"}), 422)
    assert patch["errors"][0]["field"] == "body.id"
    fabric = problem(supplier.patch("/v1/pools/p1", {"fabric": "smoke"}), 422)
    assert fabric["errors"][0]["field"] == "body.fabric"


def test_pydantic_errors_name_their_field(operator: Api, buyer: Api) -> None:
    top_up = operator.post(f"/v1/accounts/{buyer.account_id}/top-ups", {"amount_yuan": -5})
    assert problem(top_up, 422)["errors"][0]["field"] == "body.amount_yuan"
    extra = buyer.post("/v1/quotes", {"job_id": "job_1", "jobid": "x"})
    assert problem(extra, 422)["errors"][0]["field"] == "body.jobid"
    limit = buyer.get("/v1/jobs", params={"limit": 0})
    assert problem(limit, 422)["errors"][0]["field"] == "query.limit"
    key = buyer.post("/v1/quotes", {"job_id": "job_1"}, key="bad key with spaces")
    assert problem(key, 422)["errors"][0]["field"] == "header.Idempotency-Key"


def test_conflicts_are_409(supplier: Api, operator: Api) -> None:
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    assert "taken" in problem(supplier.post("/v1/sites", site("s1", pool("p2"))), 409)["detail"]
    assert "taken" in problem(supplier.post("/v1/sites", site("s2", pool("p1"))), 409)["detail"]
    dup = operator.post("/v1/accounts", {"name": "ops", "role": "buyer"})
    assert "exists" in problem(dup, 409)["detail"]
