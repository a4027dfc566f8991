"""JSON bodies are read strictly, the Pydantic ones and the file-format ones alike: a key given
twice, a number sent as a string, a number beyond ±(2^31 − 1) are refused with a 422 that
names the field, never accepted silently and never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from exchange_helpers import Api, pool, site, training

PROBLEM = "application/problem+json"


def refused(response: Any) -> dict[str, str]:
    """The field -> message map of a 422 problem response."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["detail"].startswith("fix the request") and body["title"]
    return {e["field"]: e["message"] for e in body["errors"]}


def send(api: Api, method: str, path: str, text: str) -> Any:
    headers = api.headers({"Content-Type": "application/json"})
    return api.client.request(method, path, content=text.encode(), headers=headers)


@pytest.mark.parametrize(
    ("path", "text", "field"),
    [
        ("/v1/accounts", '{"name": "a", "role": "buyer", "name": "b"}', "body.name"),
        ("/v1/quotes", '{"job_id": "j1", "job_id": "j2"}', "body.job_id"),
        ("/v1/reservations", '{"quote_id": "q1", "quote_id": "q1"}', "body.quote_id"),
        ("/v1/jobs", json.dumps(training())[:-1] + ', "name": "again"}', "body.name"),
        ("/v1/sites", '{"id": "s", "pools": [{"id": "p", "id": "q"}]}', "body.pools[0].id"),
        ("/v1/regions", '{"id": "r", "lat": 1, "lat": 2}', "body.lat"),
    ],
)
def test_a_key_given_twice_is_refused(
    operator: Api, buyer: Api, supplier: Api, path: str, text: str, field: str
) -> None:
    caller = {"/v1/accounts": operator, "/v1/regions": operator, "/v1/sites": supplier}
    fields = refused(send(caller.get(path, buyer), "POST", path, text))
    assert "twice" in fields[field]


def test_top_up_takes_only_json_numbers(operator: Api, buyer: Api) -> None:
    path = f"/v1/accounts/{buyer.account_id}/top-ups"
    for amount in ("100", "１００", True, None, [100]):
        fields = refused(operator.post(path, {"amount_yuan": amount}))
        assert "body.amount_yuan" in fields, fields
    assert "JSON number" in refused(operator.post(path, {"amount_yuan": "100"}))["body.amount_yuan"]
    assert operator.ok(operator.post(path, {"amount_yuan": 100}), 201)
    assert operator.ok(operator.post(path, {"amount_yuan": 0.5}), 201)
    me = operator.ok(operator.get(f"/v1/accounts/{buyer.account_id}"))
    assert me["balances"]["wallet_yuan"] == 100100.5
    credit = f"/v1/accounts/{buyer.account_id}/credit-limit"
    assert "body.limit_yuan" in refused(operator.put(credit, {"limit_yuan": "5"}))
    balances = operator.ok(operator.put(credit, {"limit_yuan": 5}))["balances"]
    assert balances["credit_limit_yuan"] == 5


def test_strings_are_not_made_of_numbers(operator: Api, buyer: Api) -> None:
    assert "body.name" in refused(operator.post("/v1/accounts", {"name": 5, "role": "buyer"}))
    assert "body.job_id" in refused(buyer.post("/v1/quotes", {"job_id": 17}))
    assert "body.role" in refused(operator.post("/v1/accounts", {"name": "x", "role": 1}))
    created = operator.post("/v1/accounts", {"name": "x", "role": "buyer"})
    assert created.status_code == 201  # a role is still given by its name


def test_raw_bodies_limit_whole_and_fractional_numbers_alike(supplier: Api) -> None:
    template = json.dumps(site("s1", pool("p1", nodes=0)))
    for nodes in ("3e9", "3000000000", "-3.0e9", "1e400"):
        text = template.replace('"nodes": 0', f'"nodes": {nodes}')
        fields = refused(send(supplier, "POST", "/v1/sites", text))
        assert fields["body.pools[0].nodes"].startswith("must be within ±2147483647"), fields
    for nodes in ("4", "４"):
        fields = refused(supplier.post("/v1/sites", site("s1", pool("p1", nodes=nodes))))
        assert "must be an integer" in fields["body.pools[0].nodes"]
    text = json.dumps(site("s1", pool("p1"))).replace('"lat": 40.78', '"lat": NaN')
    assert "NaN" in refused(send(supplier, "POST", "/v1/sites", text))["body"]
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)


def test_a_patch_with_a_key_twice_is_refused(supplier: Api) -> None:
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    fields = refused(send(supplier, "PATCH", "/v1/sites/s1", '{"name": "a", "name": "b"}'))
    assert "twice" in fields["body.name"]
    assert supplier.ok(supplier.get("/v1/sites/s1"))["name"] == "S1"
