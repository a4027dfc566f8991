"""Migration 0003 (lines with their own lifecycle) carries an exchange's data over, on both
databases: lines take their job's status, reservations get a start deadline, bills of completed
jobs become bills of their lines, and nothing else changes."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from suanli.store.engine import Database, open_database
from suanli.store.migrate import current_revision, downgrade, head_revision, upgrade

T0 = datetime(2025, 1, 1, tzinfo=UTC)
_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with no tables yet."""
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'old.db'}")
        yield database
        database.dispose()
        return
    server = request.getfixturevalue("postgres")
    name = f"migrate_{next(_names)}"
    database = open_database(server.create_database(name))
    yield database
    database.dispose()
    server.drop_database(name)


def rows(database: Database, table: str, order: str) -> list[dict[str, Any]]:
    with database.engine.connect() as connection:
        result = connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY {order}"))
        return [dict(row._mapping) for row in result]


def insert(connection: sa.Connection, table: str, **values: Any) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def as_naive(value: datetime | str) -> datetime:
    """A timestamp as read back raw: text on SQLite, an aware UTC datetime on PostgreSQL."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return naive(moment.astimezone(UTC) if moment.tzinfo else moment)


def old_exchange(database: Database) -> None:
    """At revision 0002: a completed job with its bill, a reserved job, and an open quote."""
    upgrade(database, "0002")
    stamp = naive(T0) if database.dialect == "sqlite" else T0
    with database.engine.begin() as c:
        for ident, role in (("acc_b", "buyer"), ("acc_s", "supplier")):
            insert(c, "accounts", id=ident, name=ident, role=role, created_at=stamp)
        insert(
            c, "sites", id="zjk", owner_id="acc_s", name="Z", city="Z", lat=40.0, lon=114.0,
            egress_gbps=100.0, electricity_yuan_per_kwh=0.4, pue=1.2, hub="h", cluster="c",
            retired=False,
        )  # fmt: skip
        insert(
            c, "pools", id="p1", site_id="zjk", gpu_model="H800", nodes=4, gpus_per_node=8,
            cpu_milli_per_node=192000, memory_mib_per_node=2097152, fabric="ib",
            reserve_price_yuan_per_gpu_hour=10.0, reserved_gpus=8, retired=False,
        )  # fmt: skip
        for job, status, quote, quote_status in (
            ("job_done", "completed", "quo_done", "accepted"),
            ("job_held", "reserved", "quo_held", "accepted"),
            ("job_open", "quoted", "quo_open", "open"),
        ):
            insert(
                c, "jobs", id=job, buyer_id="acc_b", name=job, kind="training", spec="{}",
                status=status, created_at=stamp, updated_at=stamp,
            )  # fmt: skip
            insert(
                c, "quotes", id=quote, job_id=job, buyer_id="acc_b", status=quote_status,
                total_fen=80000, fee_bp=500, policy="greedy", plan="{}", created_at=stamp,
                expires_at=stamp,
            )  # fmt: skip
            insert(
                c, "quote_lines", quote_id=quote, pool_id="p1", site_id="zjk",
                supplier_id="acc_s", gpu_model="H800", gpus=8, price_yuan_per_gpu_hour=10.0,
                gpu_hours=80.0, est_hours=10.0, cost_fen=80000,
            )  # fmt: skip
        for job, quote in (("job_done", "quo_done"), ("job_held", "quo_held")):
            insert(
                c, "reservations", id=f"res_{job}", quote_id=quote, job_id=job,
                buyer_id="acc_b", status="active", total_fen=80000, created_at=stamp,
            )  # fmt: skip
        line = {
            "pool_id": "p1", "reserved_fen": 80000, "charged_fen": 30000,
            "certified_gpu_hours": 30.0,
        }  # fmt: skip
        insert(
            c, "job_bills", job_id="job_done", basis="certified", reserved_fen=80000,
            charged_fen=30000, refunded_fen=50000, lines=json.dumps([line]),
            audit='{"site": "zjk"}', created_at=stamp,
        )  # fmt: skip


def test_0003_carries_jobs_lines_and_bills_over(empty: Database) -> None:
    old_exchange(empty)
    upgrade(empty)
    assert current_revision(empty) == head_revision()
    lines = {r["quote_id"]: r for r in rows(empty, "quote_lines", "id")}
    assert {q: r["status"] for q, r in lines.items()} == {
        "quo_done": "completed",
        "quo_held": "reserved",
        "quo_open": "quoted",
    }
    assert {r["minimum_fen"] for r in lines.values()} == {0}
    deadlines = {r["id"]: r["start_by"] for r in rows(empty, "reservations", "id")}
    assert {k: as_naive(v) for k, v in deadlines.items()} == {
        "res_job_done": naive(T0 + timedelta(hours=1)),
        "res_job_held": naive(T0 + timedelta(hours=1)),
    }
    (bill,) = rows(empty, "line_bills", "line_id")
    assert bill["line_id"] == lines["quo_done"]["id"]
    assert (bill["basis"], bill["charged_fen"], bill["refunded_fen"]) == ("certified", 30000, 50000)
    assert bill["certified_gpu_hours"] == 30.0
    with empty.engine.connect() as connection:
        assert "job_bills" not in sa.inspect(connection).get_table_names()
    assert {r["status"] for r in rows(empty, "jobs", "id")} == {"completed", "reserved", "quoted"}


def test_0003_downgrades_and_upgrades_again(empty: Database) -> None:
    old_exchange(empty)
    upgrade(empty)
    assert downgrade(empty, "0002") == "0002"
    assert {r["status"] for r in rows(empty, "quotes", "id")} == {"accepted", "open"}
    upgrade(empty)
    assert current_revision(empty) == head_revision()
