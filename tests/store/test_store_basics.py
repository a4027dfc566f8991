"""Database URLs and folders, timestamps, migrations on SQLite, and where PostgreSQL is."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from suanli.errors import DatabaseUrlError
from suanli.store.engine import open_database, parse_url
from suanli.store.ids import CountingIds, FakeClock
from suanli.store.migrate import head_revision, upgrade
from suanli.store.scratch_postgres import find_bin_dir
from suanli.store.settings import StoreSettings, platform_data_dir
from suanli.store.tables import AccountRow


def test_urls() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("sqlite:///x.db").database == "x.db"
    for bad in ("mysql://u@h/db", "sqlite://", "sqlite:///:memory:", "nonsense"):
        with pytest.raises(DatabaseUrlError, match="use sqlite:///"):
            parse_url(bad)


def test_default_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUANLI_DATABASE_URL", raising=False)
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path))
    assert StoreSettings().resolved_url() == f"sqlite:///{tmp_path / 'suanli.db'}"
    assert StoreSettings().resolved_url("sqlite:///other.db") == "sqlite:///other.db"
    monkeypatch.setenv("SUANLI_DATABASE_URL", "postgresql://u@h/db")
    assert StoreSettings().resolved_url() == "postgresql://u@h/db"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders are a Linux convention")
def test_platform_data_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert platform_data_dir() == tmp_path / "suanli"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert platform_data_dir(Path("/home/u")) == Path("/home/u/.local/share/suanli")


def test_sqlite_is_wal_and_keeps_utc(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'deep' / 'x.db'}")
    assert upgrade(database) == head_revision()
    with database.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    shanghai = datetime(2025, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    with database.write() as session:
        session.add(AccountRow(id="a", name="a", role="buyer", created_at=shanghai))
    with database.read() as session:
        stored = session.get(AccountRow, "a")
        assert stored is not None and stored.created_at == datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
    database.dispose()


def test_injected_ids_and_clock() -> None:
    ids, clock = CountingIds(), FakeClock()
    assert [ids("job"), ids("job"), ids("quo")] == ["job_000001", "job_000002", "quo_000001"]
    start = clock()
    clock.advance(seconds=90)
    assert clock() - start == timedelta(seconds=90)


def test_postgres_binaries_are_found_when_installed() -> None:
    found = find_bin_dir()
    assert found is None or (found / "pg_ctl").exists()
