"""/metrics stays bounded and honest: request labels take only known methods and route
templates whatever clients send, and reservations count what was decided, not replays."""

from __future__ import annotations

import random
import re
import string

from exchange_helpers import Api, pool, site, training
from fastapi.testclient import TestClient

from suanli.market.roles import Role
from suanli.service.metrics import METHODS

LABELS = re.compile(
    r'^suanli_http_requests_total\{method="([^"]*)",route="([^"]*)",status="(\d+)"\}'
)


def request_labels(client: TestClient) -> set[tuple[str, str, str]]:
    text = client.get("/metrics").text
    return {m.groups() for line in text.splitlines() if (m := LABELS.match(line))}


def counter(client: TestClient, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.compile(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", re.MULTILINE)
    found = pattern.search(client.get("/metrics").text)
    return float(found.group(1)) if found else 0.0


def test_random_methods_and_paths_keep_the_label_set_small(client: TestClient) -> None:
    rng = random.Random(7)
    templates = set(client.get("/openapi.json").json()["paths"])
    for _ in range(200):
        method = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(3, 10)))
        if rng.random() < 0.2:
            method = rng.choice(sorted(METHODS))
        tail = "".join(rng.choices(string.ascii_lowercase + "/", k=rng.randint(1, 20)))
        path = rng.choice(["/", "/v1/", "/v1/jobs/"]) + tail
        client.request(method, path)
    labels = request_labels(client)
    methods = {m for m, _, _ in labels}
    routes = {r for _, r, _ in labels}
    statuses = {s for _, _, s in labels}
    assert methods <= METHODS | {"other"} and "other" in methods
    assert routes <= templates | {"unmatched"}
    bound = len(METHODS | {"other"}) * len(routes) * len(statuses)
    assert len(labels) <= bound < 200  # without the rule, ~200 method names would each count


def test_reservations_count_what_was_decided(
    make_api, operator: Api, supplier: Api, buyer: Api
) -> None:
    client = buyer.client
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    job = buyer.ok(buyer.post("/v1/jobs", training()), 201)
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    body = {"quote_id": quote["id"]}
    assert buyer.post("/v1/reservations", body, key="r1").status_code == 201
    assert buyer.post("/v1/reservations", body, key="r1").status_code == 201  # a replay
    name = "suanli_reservations_total"
    assert counter(client, name, outcome="taken") == 1.0
    assert counter(client, name, outcome="refused") == 0.0
    assert buyer.post("/v1/reservations", body, key="r2").status_code == 409  # taken already
    assert buyer.post("/v1/reservations", body, key="r2").status_code == 409  # its record
    assert buyer.post("/v1/reservations", body).status_code == 409  # raised, no key
    assert counter(client, name, outcome="taken") == 1.0
    assert counter(client, name, outcome="refused") == 3.0
    poor = make_api(Role.BUYER, "poor")
    other = poor.ok(poor.post("/v1/jobs", training("j2")), 201)
    offer = poor.ok(poor.post("/v1/quotes", {"job_id": other["id"]}), 201)
    assert poor.post("/v1/reservations", {"quote_id": offer["id"]}, key="p").status_code == 409
    assert counter(client, name, outcome="taken") == 1.0
    assert counter(client, name, outcome="refused") == 4.0
