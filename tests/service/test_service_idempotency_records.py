"""What an Idempotency-Key record is: it expires after `idempotency_ttl_hours` on the
exchange's clock (then the request runs again and replaces it, and expired records are
purged), and it compares JSON bodies by their parsed value, other bodies by their bytes."""

from __future__ import annotations

import json

from exchange_helpers import Api, pool, site
from sqlalchemy import func, select

from suanli.store.engine import Database
from suanli.store.ids import FakeClock
from suanli.store.tables import IdempotencyRow


def wallet(api: Api, account_id: str) -> float:
    balance: float = api.ok(api.get(f"/v1/accounts/{account_id}"))["balances"]["wallet_yuan"]
    return balance


def records(db: Database, account_id: str) -> dict[str, IdempotencyRow]:
    with db.read() as session:
        query = select(IdempotencyRow).where(IdempotencyRow.account_id == account_id)
        return {row.key: row for row in session.scalars(query)}


def test_a_record_is_replayed_until_it_expires_then_replaced(
    operator: Api, buyer: Api, clock: FakeClock, db: Database
) -> None:
    path = f"/v1/accounts/{buyer.account_id}/top-ups"
    operator.ok(operator.post(path, {"amount_yuan": 50}, key="t-1"), 201)
    operator.ok(operator.post(path, {"amount_yuan": 7}, key="t-old"), 201)
    clock.advance(hours=23, minutes=59)
    replay = operator.post(path, {"amount_yuan": 50}, key="t-1")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert wallet(operator, buyer.account_id) == 100057.0
    clock.advance(minutes=2)  # 24 h 1 min after the first request: its record has expired
    again = operator.post(path, {"amount_yuan": 50}, key="t-1")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert wallet(operator, buyer.account_id) == 100107.0
    kept = records(db, operator.account_id)
    assert set(kept) == {"t-1"}  # replaced, and the other expired record purged
    assert kept["t-1"].created_at == clock()
    assert operator.post(path, {"amount_yuan": 50}, key="t-1").headers["Idempotent-Replayed"]
    assert wallet(operator, buyer.account_id) == 100107.0


def test_an_expired_key_may_carry_a_different_request(
    operator: Api, buyer: Api, clock: FakeClock
) -> None:
    path = f"/v1/accounts/{buyer.account_id}/top-ups"
    operator.ok(operator.post(path, {"amount_yuan": 50}, key="k"), 201)
    assert operator.post(path, {"amount_yuan": 60}, key="k").status_code == 422
    clock.advance(hours=24, seconds=1)
    assert operator.ok(operator.post(path, {"amount_yuan": 60}, key="k"), 201)
    assert wallet(operator, buyer.account_id) == 100110.0


def test_an_expired_refusal_is_forgotten(make_api, operator: Api, clock: FakeClock) -> None:
    missing = operator.post("/v1/accounts/acc_nobody/top-ups", {"amount_yuan": 1}, key="r")
    assert missing.status_code == 404
    again = operator.post("/v1/accounts/acc_nobody/top-ups", {"amount_yuan": 1}, key="r")
    assert again.headers["Idempotent-Replayed"] == "true"
    clock.advance(hours=25)
    fresh = operator.post("/v1/accounts/acc_nobody/top-ups", {"amount_yuan": 1}, key="r")
    assert fresh.status_code == 404 and "Idempotent-Replayed" not in fresh.headers


def test_json_bodies_compare_by_value(operator: Api, buyer: Api, db: Database) -> None:
    path = f"/v1/accounts/{buyer.account_id}/top-ups"
    headers = operator.headers({"Idempotency-Key": "t", "Content-Type": "application/json"})

    def send(text: str) -> int:
        response = operator.client.post(path, content=text.encode(), headers=headers)
        return int(response.status_code)

    assert send('{"amount_yuan": 50, "memo": "x"}') == 201
    assert send('{ "memo" : "x" ,\n  "amount_yuan":50 }') == 201  # re-spaced, keys reordered
    assert send(json.dumps({"memo": "x", "amount_yuan": 50}, indent=4)) == 201
    assert wallet(operator, buyer.account_id) == 100050.0
    assert send('{"amount_yuan": 50, "memo": "y"}') == 422
    assert send('{"amount_yuan": 50.0, "memo": "x"}') == 422  # another number, to be safe
    assert send('{"amount_yuan": 50}') == 422
    assert wallet(operator, buyer.account_id) == 100050.0
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyRow)) == 1


def test_raw_json_bodies_compare_by_value_too(supplier: Api) -> None:
    body = site("s1", pool("p1"))
    headers = supplier.headers({"Idempotency-Key": "s", "Content-Type": "application/json"})
    first = supplier.client.post("/v1/sites", content=json.dumps(body), headers=headers)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = supplier.client.post("/v1/sites", content=reordered, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()


def test_telemetry_text_compares_by_bytes(operator: Api, supplier: Api) -> None:
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    line = 'DCGM_FI_PROF_SM_ACTIVE{gpu="0",UUID="GPU-1",Hostname="n1",site="s1"} 0.9 %d\n'
    text = line % 1735689600000
    headers = supplier.headers({"Idempotency-Key": "m", "Content-Type": "text/plain"})
    first = supplier.client.post("/v1/telemetry", content=text, headers=headers)
    assert first.status_code == 201, first.text
    same = supplier.client.post("/v1/telemetry", content=text, headers=headers)
    assert same.headers["Idempotent-Replayed"] == "true"
    spaced = text.replace(" 0.9", "  0.9")  # the same samples, other bytes
    other = supplier.client.post("/v1/telemetry", content=spaced, headers=headers)
    assert other.status_code == 422 and "different request" in other.json()["detail"]
