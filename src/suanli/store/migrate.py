"""Apply the Alembic migrations shipped in `suanli/store/migrations` (`suanli db upgrade`, and
`suanli serve` on start)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from suanli.errors import DatabaseUnavailableError
from suanli.store.engine import WRITE_OPTION, Database

SCRIPT_LOCATION = "suanli.store:migrations"


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    url = database.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(_bare_config())
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    """The revision the database is at; None before the first migration."""
    with _translated(database), database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database, revision: str = "head") -> str | None:
    """Migrate `database` to `revision` in one transaction; returns the revision reached."""
    _migrate(database, lambda config: command.upgrade(config, revision))
    return current_revision(database)


def downgrade(database: Database, revision: str) -> str | None:
    """Migrate `database` back to `revision` in one transaction; returns the revision reached."""
    _migrate(database, lambda config: command.downgrade(config, revision))
    return current_revision(database)


def _migrate(database: Database, run: Callable[[Config], None]) -> None:
    """Run Alembic in one write transaction. On SQLite, foreign keys are off meanwhile and
    checked before the commit: SQLite changes a table by copying it, dropping the original and
    renaming the copy, which a foreign key to the original would refuse (SQLite's own procedure
    for ALTER TABLE; the pragma has no effect inside a transaction, so it is set before)."""
    config = alembic_config(database)
    sqlite = database.dialect == "sqlite"
    with _translated(database):
        writer = database.engine.execution_options(**{WRITE_OPTION: True})
        with writer.connect() as connection:
            if sqlite:
                _pragma(connection, "PRAGMA foreign_keys = OFF")
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    run(config)
                    if sqlite:
                        _check_foreign_keys(connection)
            finally:
                if sqlite:
                    _pragma(connection, "PRAGMA foreign_keys = ON")


def _pragma(connection: Connection, pragma: str) -> None:
    """A pragma on the driver's connection, outside any transaction."""
    connection.connection.driver_connection.execute(pragma)  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration broke foreign keys (a bug; report it): {broken[:5]}")


def _bare_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


@contextmanager
def _translated(database: Database) -> Iterator[None]:
    """Turn "cannot connect" into an error that names the database and what to check."""
    try:
        yield
    except OperationalError as error:
        url = database.url.render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailableError(
            f"cannot open the database {url}: {reason}; check the URL, that the server runs "
            "and that the user may connect"
        ) from None
