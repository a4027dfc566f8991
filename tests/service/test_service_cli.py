"""`suanli serve`, `db upgrade`, `admin create-key` and `network load`, registered here as
cli/main.py registers them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from suanli.catalog.china import build_china_network
from suanli.cli import serve
from suanli.errors import (
    ConflictError,
    DatabaseUnavailableError,
    DatabaseUrlError,
    UnknownNameError,
)
from suanli.formats import dump, network_to_dict
from suanli.store.engine import open_database
from suanli.store.migrate import head_revision
from suanli.store.network_read import network_state


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("serve")(serve.serve)
    app.add_typer(serve.db_app, name="db")
    app.add_typer(serve.admin_app, name="admin")
    network = typer.Typer()
    network.command("load")(serve.network_load)
    app.add_typer(network, name="network")
    return app


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli(), list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


@pytest.mark.parametrize(
    "command", [["serve"], ["db", "upgrade"], ["admin", "create-key"], ["network", "load"]]
)
def test_help_has_an_example(command: list[str]) -> None:
    text = CliRunner().invoke(cli(), [*command, "--help"]).stdout
    assert "Example" in text and "suanli " + " ".join(command) in text


def test_create_key_prints_a_key_once_and_stores_its_hash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert run("db", "upgrade", "--db", url, "--json")["revision"] == head_revision() == "0004"
    first = run("admin", "create-key", "--role", "buyer", "--name", "b", "--db", url, "--json")
    second = run("admin", "create-key", "--role", "buyer", "--name", "b", "--db", url, "--json")
    assert first["api_key"].startswith("sk_buyer_") and first["api_key"] != second["api_key"]
    assert first["account_id"] == second["account_id"]
    assert first["api_key"].encode() not in (tmp_path / "x.db").read_bytes()
    with pytest.raises(ConflictError, match="has role buyer"):
        run("admin", "create-key", "--role", "supplier", "--name", "b", "--db", url)
    with pytest.raises(UnknownNameError, match="known: operator, supplier, buyer, auditor"):
        run("admin", "create-key", "--role", "king", "--name", "k", "--db", url)


def test_default_database_is_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SUANLI_DATABASE_URL", raising=False)
    assert run("db", "upgrade", "--json")["database"].endswith("data/suanli.db")
    assert (tmp_path / "data" / "suanli.db").is_file()


def test_bad_urls_say_what_to_use(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUrlError, match="sqlite:///PATH"):
        run("db", "upgrade", "--db", "mysql://x/y")
    with pytest.raises(DatabaseUrlError, match="not a database URL"):
        run("db", "upgrade", "--db", "::nonsense")
    with pytest.raises(DatabaseUnavailableError, match="check the URL"):
        run("db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:1/none")


def test_network_load_adds_then_updates(tmp_path: Path) -> None:
    net = tmp_path / "net.yaml"
    dump(network_to_dict(build_china_network()), net)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = run("network", "load", str(net), "--db", url, "--json")
    assert (first["sites_added"], first["sites_updated"], first["regions"]) == (37, 0, 12)
    again = run("network", "load", str(net), "--db", url, "--json")
    assert (again["sites_added"], again["sites_updated"]) == (0, 37)
    database = open_database(url)
    with database.read() as session:
        loaded = network_state(session=session).network
    assert loaded.gpus == build_china_network().gpus
    database.dispose()


def test_serve_migrates_then_runs_uvicorn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    url = f"sqlite:///{tmp_path / 'x.db'}"
    run("serve", "--db", url, "--port", "9999")
    assert calls[0]["port"] == 9999 and calls[0]["host"] == "127.0.0.1"
    assert calls[0]["app"].title == "suanli exchange"
    assert run("db", "upgrade", "--db", url, "--json")["revision"] == head_revision() == "0004"
