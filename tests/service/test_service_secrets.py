"""Secrets are never stored or replayed: the API key of a new account is in the response that
created it and nowhere else, not even in the stored response that a replay answers with."""

from __future__ import annotations

from pathlib import Path

from exchange_helpers import Api
from sqlalchemy import MetaData, select

from suanli.store.accounts import hash_key
from suanli.store.engine import Database


def every_value(db: Database) -> list[str]:
    """The text of every value in every column of every table of the database."""
    tables = MetaData()
    tables.reflect(db.engine)
    assert {"accounts", "api_keys", "idempotency_keys"} <= set(tables.tables)
    with db.engine.connect() as connection:
        return [
            str(value)
            for table in tables.sorted_tables
            for row in connection.execute(select(table))
            for value in row
        ]


def test_a_replayed_account_creation_leaves_out_the_key(operator: Api, db: Database) -> None:
    body = {"name": "b3", "role": "buyer"}
    first = operator.ok(operator.post("/v1/accounts", body, key="acc-1"), 201)
    key = first["api_key"]
    assert key.startswith("sk_buyer_") and first["note"] is None
    replay = operator.post("/v1/accounts", body, key="acc-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    again = replay.json()
    assert again["account"] == first["account"] and again["api_key"] is None
    assert "shown only once" in again["note"] and "suanli admin create-key" in again["note"]
    assert "--role buyer --name b3" in again["note"]
    created = Api(operator.client, key)
    assert created.ok(created.get("/v1/me"))["account"] == first["account"]  # the key works
    values = every_value(db)
    assert hash_key(key) in values  # the scan reads the keys table
    assert not [v for v in values if key in v]
    if db.dialect == "sqlite":  # and no page of the file holds it either
        for path in Path(str(db.url.database)).parent.glob("suanli.db*"):
            assert key.encode() not in path.read_bytes()
