"""Migration 0004 (the call market) on both databases: an exchange at 0003 keeps its data,
gains the market's tables and market jobs; going back is refused while market jobs exist."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from test_service_migrations import empty, insert, old_exchange, rows

from suanli.store.engine import Database
from suanli.store.migrate import current_revision, downgrade, upgrade

__all__ = ["empty"]  # the fixture, shared with the 0003 tests

MARKET_TABLES = {"market_orders", "market_clearings", "market_clearing_products", "market_trades"}


def tables(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def market_job(database: Database) -> None:
    stamp = rows(database, "jobs", "id")[0]["created_at"]
    with database.engine.begin() as c:
        insert(
            c, "jobs", id="job_market", buyer_id="acc_b", name="ord_1", kind="market", spec="{}",
            status="reserved", created_at=stamp, updated_at=stamp,
        )  # fmt: skip


def test_0004_adds_the_market_and_keeps_the_exchange(empty: Database) -> None:
    old_exchange(empty)
    upgrade(empty, "0003")
    before = {t: rows(empty, t, "id") for t in ("jobs", "quotes", "reservations")}
    assert upgrade(empty) == "0004"
    assert tables(empty) >= MARKET_TABLES
    assert {t: rows(empty, t, "id") for t in before} == before
    market_job(empty)
    with pytest.raises(sa.exc.IntegrityError), empty.engine.begin() as c:
        insert(c, "jobs", id="job_x", buyer_id="acc_b", name="x", kind="spot", spec="{}",
               status="submitted", created_at=before["jobs"][0]["created_at"],
               updated_at=before["jobs"][0]["created_at"])  # fmt: skip


def test_0004_downgrades_only_without_market_jobs(empty: Database) -> None:
    old_exchange(empty)
    upgrade(empty)
    market_job(empty)
    with pytest.raises(RuntimeError, match="jobs came from market orders"):
        downgrade(empty, "0003")
    assert current_revision(empty) == "0004" and tables(empty) >= MARKET_TABLES
    with empty.engine.begin() as c:
        c.execute(sa.text("DELETE FROM jobs WHERE kind = 'market'"))
    assert downgrade(empty, "0003") == "0003"
    assert not MARKET_TABLES & tables(empty)
    assert upgrade(empty) == "0004"
