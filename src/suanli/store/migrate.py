"""Apply the Alembic migrations shipped in `suanli/store/migrations` (`suanli db upgrade`, and
`suanli serve` on start)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
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
    config = alembic_config(database)
    with _translated(database):
        writer = database.engine.execution_options(**{WRITE_OPTION: True})
        with writer.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    return current_revision(database)


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
