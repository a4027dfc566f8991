"""Limits that keep one client from wearing the exchange down: bodies larger than their route
takes are refused with 413 before they are read, and failed authentications are limited per
client address and per presented key (429 with Retry-After until the window passes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from exchange_helpers import Api, training
from fastapi.testclient import TestClient

from suanli.market.roles import Role
from suanli.service.auth_failures import AuthFailures, TooManyFailedAuthenticationsError
from suanli.service.settings import ServiceSettings
from suanli.store.ids import FakeClock

PROBLEM = "application/problem+json"
MB = 1_000_000


def chunks(total: int, size: int = 64_000) -> Iterator[bytes]:
    """A body sent without Content-Length (chunked)."""
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def assert_too_large(response: httpx.Response, path: str) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:suanli:problem:content-too-large"
    assert (body["title"], body["status"], body["instance"]) == ("Content Too Large", 413, path)
    assert "1,000,000 bytes" in body["detail"] and "send less" in body["detail"]


def test_a_declared_size_over_the_limit_is_refused_before_anything_else(
    client: TestClient, buyer: Api, settings: ServiceSettings
) -> None:
    assert settings.max_body_bytes == MB
    big = b"{" + b" " * MB + b"}"
    assert_too_large(client.post("/v1/jobs", content=big), "/v1/jobs")  # no key: still 413
    headers = buyer.headers({"Idempotency-Key": "big", "Content-Type": "application/json"})
    assert_too_large(client.post("/v1/jobs", content=big, headers=headers), "/v1/jobs")
    assert_too_large(client.post("/v1/quotes", content=big, headers=headers), "/v1/quotes")
    fits = buyer.post("/v1/jobs", training(), key="big")  # the key was not used by the 413s
    assert fits.status_code == 201 and "Idempotent-Replayed" not in fits.headers


def test_a_chunked_body_is_counted_and_refused_past_the_limit(
    client: TestClient, buyer: Api
) -> None:
    response = client.post("/v1/jobs", content=chunks(2 * MB), headers=buyer.headers())
    assert_too_large(response, "/v1/jobs")
    assert buyer.ok(buyer.get("/v1/jobs")) == []
    small = client.post("/v1/jobs", content=chunks(1000), headers=buyer.headers())
    assert small.status_code == 422  # within the limit: read, and found not to be a job


def test_telemetry_takes_its_own_larger_limit(client: TestClient, supplier: Api) -> None:
    text = b"# a comment line\n" * (2 * MB // 17)
    headers = supplier.headers({"Content-Type": "text/plain"})
    response = client.post("/v1/telemetry", content=text, headers=headers)
    assert response.status_code == 422 and "no samples" in response.text  # read, not 413


def test_a_20_mb_body_is_refused_at_once_while_health_checks_stay_fast(live: str) -> None:
    refused: list[tuple[int, float]] = []

    def upload() -> None:
        with httpx.Client(base_url=live, timeout=30) as client:
            started = time.perf_counter()
            response = client.post("/v1/jobs", content=b"x" * (20 * MB))
            refused.append((response.status_code, time.perf_counter() - started))

    with httpx.Client(base_url=live, timeout=10) as health:
        health.get("/healthz").raise_for_status()  # connected and warm
        uploader = threading.Thread(target=upload)
        uploader.start()
        latencies = []
        while uploader.is_alive() or len(latencies) < 5:
            started = time.perf_counter()
            assert health.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - started)
        uploader.join()
    [(status, seconds)] = refused
    assert status == 413 and seconds < 1.0, (status, seconds)
    assert max(latencies) < 0.5, latencies


def test_a_chunked_upload_to_the_live_server_is_cut_off(live: str) -> None:
    with httpx.Client(base_url=live, timeout=30) as client:
        response = client.post("/v1/jobs", content=chunks(5 * MB))
        assert_too_large(response, "/v1/jobs")
        assert client.get("/healthz").status_code == 200  # the connection is still usable


def bad(client: TestClient, key: str | None = "sk_guess") -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get("/v1/me", headers=headers)


def test_failed_authentications_are_limited_per_address(
    client: TestClient, buyer: Api, clock: FakeClock, settings: ServiceSettings
) -> None:
    assert (settings.auth_failure_limit, settings.auth_failure_window_s) == (20, 60)
    for n in range(20):
        assert bad(client, f"sk_guess_{n}").status_code == 401
    blocked = buyer.get("/v1/me")  # a good key from the same address waits too
    assert blocked.status_code == 429 and blocked.headers["content-type"] == PROBLEM
    assert blocked.headers["Retry-After"] == "60"
    assert "too many failed authentications" in blocked.json()["detail"]
    assert bad(client, None).status_code == 429
    assert client.get("/healthz").status_code == 200  # routes without a key are open
    elsewhere = TestClient(client.app, client=("10.0.0.2", 4000))
    assert elsewhere.get("/v1/me", headers=buyer.headers()).status_code == 200
    clock.advance(seconds=45)
    assert buyer.get("/v1/me").headers["Retry-After"] == "15"
    clock.advance(seconds=15)
    assert buyer.ok(buyer.get("/v1/me"))["account"]["id"] == buyer.account_id


def test_missing_keys_count_as_failures(client: TestClient, clock: FakeClock) -> None:
    for _ in range(20):
        assert bad(client, None).status_code == 401
    assert bad(client, None).status_code == 429
    clock.advance(seconds=61)
    assert bad(client, None).status_code == 401


def test_a_key_guessed_from_many_addresses_is_blocked_everywhere(
    client: TestClient, make_api, clock: FakeClock
) -> None:
    revoked_guess = "sk_buyer_not-a-key"
    for n in range(20):
        other = TestClient(client.app, client=(f"10.1.0.{n}", 4000))
        assert bad(other, revoked_guess).status_code == 401
    fresh = TestClient(client.app, client=("10.2.0.1", 4000))
    assert bad(fresh, revoked_guess).status_code == 429  # this address never failed
    good = make_api(Role.BUYER, "b9")
    assert fresh.get("/v1/me", headers=good.headers()).status_code == 200


def test_the_tracked_subjects_are_bounded() -> None:
    failures = AuthFailures(limit=2, window=timedelta(seconds=60), clock=FakeClock())
    failures.max_tracked = 50
    for n in range(500):
        failures.record_failure(failures.subjects(f"10.0.{n // 250}.{n % 250}", f"k{n}"))
        assert len(failures) <= 50
    recent = failures.subjects("10.0.1.249", "k499")
    failures.record_failure(recent)  # its second failure: blocked, so still tracked
    with pytest.raises(TooManyFailedAuthenticationsError) as blocked:
        failures.check(recent)
    assert blocked.value.retry_after_s == 60
