"""Every service test runs on SQLite and on a real PostgreSQL server that this test run starts
(`suanli.store.scratch_postgres`). Each test gets a fresh database copied from a migrated
template. Without PostgreSQL the PostgreSQL half is skipped, except under CI, where it fails."""

from __future__ import annotations

import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from exchange_helpers import REGIONS, Api, account_api
from fastapi.testclient import TestClient

from suanli.market.roles import Role
from suanli.service.app import create_app
from suanli.service.server import server_options
from suanli.service.settings import ServiceSettings
from suanli.store.accounts import create_account, issue_key
from suanli.store.engine import Database, open_database
from suanli.store.ids import CountingIds, FakeClock, random_id, random_secret
from suanli.store.migrate import upgrade
from suanli.store.scratch_postgres import (
    PostgresUnavailableError,
    ScratchPostgres,
    free_port,
    start,
)

TEMPLATE = "suanli_template"
_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[ScratchPostgres]:
    try:
        server = start()
    except PostgresUnavailableError as e:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the service tests: {e}")
        pytest.skip(f"PostgreSQL tests skipped: {e}")
    try:
        database = open_database(server.create_database(TEMPLATE))
        upgrade(database)
        database.dispose()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "suanli.db"
    database = open_database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A fresh, migrated database of each kind."""
    if request.param == "sqlite":
        copy = tmp_path / "suanli.db"
        shutil.copy(sqlite_template, copy)
        yield f"sqlite:///{copy}"
        return
    server: ScratchPostgres = request.getfixturevalue("postgres")
    name = f"test_{next(_numbers)}"
    yield server.create_database(name, template=TEMPLATE)
    server.drop_database(name)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(
        quote_ttl_seconds=300,
        platform_fee_bp=500,
        quote_policy="greedy",
        telemetry_dir=tmp_path / "telemetry",
    )


@pytest.fixture
def client(db: Database, clock: FakeClock, settings: ServiceSettings) -> Iterator[TestClient]:
    app = create_app(settings, database=db, clock=clock, new_id=CountingIds())
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


MakeApi = Callable[[Role, str], Api]


@pytest.fixture
def make_api(db: Database, client: TestClient) -> MakeApi:
    """`make_api(Role.BUYER, "b1")`: a new account with a key, and a client that uses it."""
    counting = CountingIds()

    def ids(prefix: str) -> str:
        return f"{counting(prefix)}_test"  # never one of the app's own ids

    def make(role: Role, name: str) -> Api:
        return account_api(db, client, role, name, ids)

    return make


@pytest.fixture
def operator(make_api: MakeApi) -> Api:
    api = make_api(Role.OPERATOR, "ops")
    for region in REGIONS:
        api.ok(api.post("/v1/regions", region), 201)
    return api


@pytest.fixture
def supplier(make_api: MakeApi, operator: Api) -> Api:
    return make_api(Role.SUPPLIER, "supplier-a")


@pytest.fixture
def buyer(make_api: MakeApi, operator: Api) -> Api:
    """A buyer with 100 000 yuan in its wallet."""
    api = make_api(Role.BUYER, "buyer-a")
    operator.ok(
        operator.post(f"/v1/accounts/{api.account_id}/top-ups", {"amount_yuan": 100000}), 201
    )
    return api


@pytest.fixture
def live(db: Database, settings: ServiceSettings) -> Iterator[str]:
    """The app served by a real uvicorn on a loopback port, for concurrent clients, configured
    as `suanli serve` configures it (`server_options`: the h11 protocol and its timeouts)."""
    app = create_app(settings, database=db)
    served = settings.model_copy(update={"host": "127.0.0.1", "port": free_port()})
    config = uvicorn.Config(app, **server_options(served), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(20)


@pytest.fixture
def new_key(db: Database) -> Callable[[Role, str], tuple[str, str]]:
    """`new_key(Role.BUYER, "b1")`: (account id, API key) of a new account."""

    def make(role: Role, name: str) -> tuple[str, str]:
        with db.write() as session:
            now = FakeClock()()
            account = create_account(
                session=session, name=name, role=role, now=now, new_id=random_id
            )
            key = issue_key(
                session=session,
                account=account,
                now=now,
                new_id=random_id,
                new_secret=random_secret,
            )
            return account.id, key

    return make
