"""Alembic's entry point: runs the migrations on the connection `suanli.store.migrate` passes in
(`config.attributes["connection"]`), or on `sqlalchemy.url` when run from the alembic CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from suanli.store.engine import open_database
from suanli.store.tables import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    database = open_database(str(config.get_main_option("sqlalchemy.url")))
    with database.engine.begin() as connection:
        _run(connection)
    database.dispose()


def _offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _offline()
else:
    _online()
