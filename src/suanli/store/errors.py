"""Errors of the database boundary: outside errors are translated here into ones that say what
to fix (after httpx: translate where they enter)."""

from __future__ import annotations

from suanli.errors import SuanliError

URL_HELP = (
    "use sqlite:///PATH/TO/suanli.db or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
)


class DatabaseUrlError(SuanliError):
    """A database URL that is malformed or names an engine suanli does not support."""


class DatabaseUnavailableError(SuanliError):
    """The database could not be reached or opened."""
