"""Open the exchange database: one engine, short read transactions and serialized writes.

SQLite runs in WAL mode so that readers never wait for the writer; a write transaction starts
with `BEGIN IMMEDIATE`, taking the write lock up front, so two writers queue (busy timeout)
instead of failing on a lock upgrade. PostgreSQL runs at READ COMMITTED; writes that must not
oversell are conditional `UPDATE`s, re-checked by PostgreSQL after any row lock they waited for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from suanli.errors import DatabaseUrlError
from suanli.store.settings import URL_HELP

WRITE_OPTION = "suanli_write"
BUSY_TIMEOUT_S = 30
POOL = {"pool_size": 10, "max_overflow": 30, "pool_timeout": 60}
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}",
)


@dataclass(frozen=True, slots=True, eq=False)
class Database:
    """An engine with a session factory for reads and one for writes."""

    url: URL
    engine: Engine
    reads: sessionmaker[Session]
    writes: sessionmaker[Session]
    write_lock: AbstractContextManager[object] = field(default_factory=nullcontext)
    """SQLite: one writer at a time in this process. Writers that queue on a lock wake as soon
    as it is free; writers that queue on SQLite's busy handler sleep in growing steps."""

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session in a read transaction, rolled back at the end."""
        with self.reads() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a write transaction: committed at the end, rolled back on error."""
        with self.write_lock, self.writes.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def parse_url(text: str) -> URL:
    """The URL `text`, `postgresql://` meaning psycopg 3; only SQLite and PostgreSQL."""
    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {text!r}; {URL_HELP}") from None
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(f"unsupported database {url.get_backend_name()!r}; {URL_HELP}")
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise DatabaseUrlError(f"SQLite needs a file, not {text!r}; {URL_HELP}")
    return url


def open_database(text: str) -> Database:
    """Open (not yet connect to) the database at URL `text`; SQLite's folder is created."""
    url = parse_url(text)
    try:
        engine = _sqlite_engine(url) if url.get_backend_name() == "sqlite" else _pg_engine(url)
    except (ArgumentError, NoSuchModuleError) as e:
        raise DatabaseUrlError(f"cannot use {text!r}: {e}; {URL_HELP}") from None
    writer = engine.execution_options(**{WRITE_OPTION: True})
    return Database(
        url=url,
        engine=engine,
        reads=sessionmaker(engine, expire_on_commit=False),
        writes=sessionmaker(writer, expire_on_commit=False),
        write_lock=threading.Lock() if url.get_backend_name() == "sqlite" else nullcontext(),
    )


def _pg_engine(url: URL) -> Engine:
    return create_engine(url, pool_pre_ping=True, **POOL)


def _sqlite_engine(url: URL) -> Engine:
    Path(str(url.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}, **POOL
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (`_sqlite_begin`)
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
