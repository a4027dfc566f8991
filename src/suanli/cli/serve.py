"""`suanli serve`, `suanli db upgrade`, `suanli admin create-key`, `suanli network load`: run
the exchange and prepare its database."""

from __future__ import annotations

from pathlib import Path

import typer

from suanli.cli.output import emit_json, err, out
from suanli.formats import load_network
from suanli.market.roles import Role, role_named
from suanli.store.accounts import Principal, account_for_key, issue_key
from suanli.store.engine import Database, open_database
from suanli.store.ids import random_id, random_secret, utc_now
from suanli.store.migrate import current_revision, upgrade
from suanli.store.network_load import load_network as load_into
from suanli.store.settings import StoreSettings

DB = typer.Option(
    None,
    "--db",
    help="Database URL: sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB.",
    show_default="$SUANLI_DATABASE_URL, else suanli.db in $SUANLI_DATA_DIR or the user's data "
    "folder",
)
JSON = typer.Option(False, "--json", help="Print one JSON object on stdout.")

db_app = typer.Typer(help="The exchange's database.", no_args_is_help=True)
admin_app = typer.Typer(
    help="Administer the exchange: accounts and API keys.", no_args_is_help=True
)


def migrated(url: str | None) -> Database:
    """The database at `url` (or the default one), migrated to the newest revision."""
    database = open_database(StoreSettings().resolved_url(url))
    upgrade(database)
    return database


def shown(database: Database) -> str:
    return database.url.render_as_string(hide_password=True)


def serve(
    db: str | None = DB,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8080, min=1, max=65535, help="TCP port to listen on."),
    as_json: bool = typer.Option(
        False, "--json", help="Print where it listens as one JSON object on stdout first."
    ),
) -> None:
    """Run the exchange's REST API: migrate the database, then serve /v1, /docs, /healthz and
    /metrics until stopped (Ctrl-C). Connections that stall are closed: a request line and
    headers must arrive within $SUANLI_HEADER_TIMEOUT_S seconds (default 10), and an idle
    kept-alive connection lasts $SUANLI_KEEP_ALIVE_TIMEOUT_S seconds (default 5).

    Examples:

      suanli serve

      suanli serve --db postgresql+psycopg://suanli@127.0.0.1:5432/suanli --port 8080
    """
    import uvicorn

    from suanli.service.app import create_app
    from suanli.service.server import server_options
    from suanli.service.settings import ServiceSettings

    database = migrated(db)
    settings = ServiceSettings(host=host, port=port)
    if as_json:
        url = f"http://{host}:{port}"
        emit_json({"url": url, "docs": f"{url}/docs", "database": shown(database)})
    err.print(
        f"suanli exchange on http://{host}:{port} (API docs at /docs), database {shown(database)}"
    )
    app = create_app(settings, database=database)
    uvicorn.run(app, **server_options(settings), log_level="info")


@db_app.command("upgrade")
def db_upgrade(db: str | None = DB, as_json: bool = JSON) -> None:
    """Create the exchange's tables, or migrate them to the newest revision.

    Example:

      suanli db upgrade --db sqlite:///exchange.db
    """
    database = migrated(db)
    revision = current_revision(database)
    if as_json:
        emit_json({"database": shown(database), "revision": revision})
        return
    err.print(f"{shown(database)}: at revision {revision}")


@admin_app.command("create-key")
def create_key(
    role: str = typer.Option(..., help="operator, supplier, buyer or auditor."),
    name: str = typer.Option(..., help="Account name; the account is created when new."),
    db: str | None = DB,
    as_json: bool = JSON,
) -> None:
    """Create an API key (and its account when NAME is new) and print the key once: only its
    hash is stored.

    Example:

      suanli admin create-key --role operator --name ops
    """
    wanted = role_named(role)
    database = migrated(db)
    now = utc_now()
    with database.write() as session:
        account = account_for_key(
            session=session, name=name, role=wanted, now=now, new_id=random_id
        )
        key = issue_key(
            session=session, account=account, now=now, new_id=random_id, new_secret=random_secret
        )
        account_id = account.id
    if as_json:
        emit_json({"account_id": account_id, "name": name, "role": wanted.value, "api_key": key})
        return
    err.print(f"API key for {wanted.value} {name!r} ({account_id}); it is shown only once:")
    out.print(key)


def network_load(
    file: Path = typer.Argument(..., help="Network file (.yaml, .yml or .json)."),
    db: str | None = DB,
    supplier: str = typer.Option(
        "network", help="Supplier account that owns the sites added; created when new."
    ),
    as_json: bool = JSON,
) -> None:
    """Load a network file into the exchange: its regions, and its sites and pools, owned by
    SUPPLIER (sites already there are updated).

    Example:

      suanli network load net.yaml --db sqlite:///exchange.db
    """
    network = load_network(file)
    database = migrated(db)
    with database.write() as session:
        account = account_for_key(
            session=session, name=supplier, role=Role.SUPPLIER, now=utc_now(), new_id=random_id
        )
        actor = Principal(account.id, account.name, Role.SUPPLIER)
        loaded = load_into(session=session, network=network, actor=actor)
    summary = {
        "database": shown(database),
        "network": network.name,
        "supplier": supplier,
        "regions": loaded.regions,
        "sites_added": loaded.sites_added,
        "sites_updated": loaded.sites_updated,
        "pools": loaded.pools,
    }
    if as_json:
        emit_json(summary)
        return
    out.print(
        f"loaded {network.name}: {loaded.sites_added} sites added, {loaded.sites_updated} "
        f"updated, {loaded.pools} pools, {loaded.regions} regions"
    )
