"""Build the FastAPI app of the exchange. `suanli serve` migrates the database and runs it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from anyio import to_thread
from fastapi import Depends, FastAPI

from suanli import __version__
from suanli.service import auth_failures, docs, limits, openapi, problems
from suanli.service.bodies import strict_json_body
from suanli.service.context import Exchange
from suanli.service.expiry import sweep_forever
from suanli.service.market import clear_forever
from suanli.service.metrics import Metrics, MetricsMiddleware
from suanli.service.routes import (
    accounts,
    health,
    jobs,
    ledger,
    market,
    orders,
    pools,
    quotes,
    sites,
    telemetry,
)
from suanli.service.settings import ServiceSettings
from suanli.store.engine import Database, open_database
from suanli.store.ids import Clock, NewId, NewSecret, random_id, random_secret, utc_now

DESCRIPTION = """The suanli exchange: suppliers list GPU pools, buyers submit training jobs and
inference services, get quotes from the placement engine, reserve capacity and pay through a
double-entry ledger; or trade whole GPUs for the market period in a periodic call market
(orders, clearings, market data). Authenticate with `Authorization: Bearer KEY`. Errors are
`application/problem+json` (RFC 9457). Every POST accepts an `Idempotency-Key` header."""


def _lifespan(exchange: Exchange) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = exchange.settings.worker_threads
        tasks = [
            asyncio.create_task(sweep_forever(exchange)),
            asyncio.create_task(clear_forever(exchange)),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()

    return lifespan


def create_app(
    settings: ServiceSettings | None = None,
    *,
    database: Database | None = None,
    clock: Clock = utc_now,
    new_id: NewId = random_id,
    new_secret: NewSecret = random_secret,
) -> FastAPI:
    """The app over `database` (default: the one `settings` names, which must be migrated)."""
    settings = settings or ServiceSettings()
    database = database or open_database(settings.resolved_url())
    exchange = Exchange(
        settings, database, clock, new_id, new_secret, Metrics(), pricing=settings.pricing()
    )
    app = FastAPI(
        title="suanli exchange",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # service/docs.py serves /docs and /redoc without a CDN
        redoc_url=None,
        lifespan=_lifespan(exchange),
        dependencies=[Depends(strict_json_body)],
    )
    app.state.exchange = exchange
    routers = (health, accounts, sites, pools, jobs, quotes, orders, market, ledger, telemetry)
    for module in routers:
        app.include_router(module.router)
    problems.install(app)
    openapi.install(app)
    docs.install(app)
    auth_failures.install(app, settings, clock)
    limits.install(app, settings)  # inside the metrics middleware, so that 413s are counted
    app.add_middleware(MetricsMiddleware, metrics=exchange.metrics)
    return app
