"""Benchmark (not a test): quotes per second and quote latency of the exchange service.

    .venv/bin/python bench/service.py [--clients 32] [--seconds 10] [--databases sqlite,postgresql]

For each database (a SQLite file; a throwaway PostgreSQL server started here, see
`suanli.store.scratch_postgres`), measured in this one run:
1. the database is migrated and loaded with the china reference network (37 sites) owned by one
   supplier; each client gets a buyer account and a submitted training job;
2. a real uvicorn server (`--workers` processes) serves the app on a loopback port;
3. baseline: the same clients call GET /healthz (the HTTP stack, auth-free, one SELECT 1);
4. the clients POST /v1/quotes for their job, back to back, for `--seconds`: each quote reads the
   live network and its free GPUs, runs the placement engine and stores the quote;
5. one client alone quotes for `--seconds` (no contention).
Reported per database: requests per second, p50 and p99 latency in milliseconds, and the ratios
quotes/s ÷ healthz/s and 32-client quotes/s ÷ 1-client quotes/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from suanli.catalog.china import build_china_network
from suanli.market.roles import Role
from suanli.store.accounts import Principal, account_for_key, issue_key
from suanli.store.engine import Database, open_database
from suanli.store.ids import random_id, random_secret, utc_now
from suanli.store.migrate import upgrade
from suanli.store.network_load import load_network
from suanli.store.scratch_postgres import free_port, start

JOB = {
    "format": "suanli.workload/v1",
    "name": "bench",
    "training_jobs": [
        {
            "id": "train",
            "gpus": 16,
            "work_h100_gpu_hours": 2000,
            "max_price_yuan_per_gpu_hour": 30,
            "deadline_hours": 500,
            "data_region": "beijing",
        }
    ],
}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per phase")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args(argv)


def prepare(database: Database, clients: int) -> list[str]:
    """Step 1: the network and one buyer per client; each buyer's API key."""
    upgrade(database)
    now = utc_now()
    with database.write() as session:
        supplier = account_for_key(
            session=session, name="supplier", role=Role.SUPPLIER, now=now, new_id=random_id
        )
        actor = Principal(supplier.id, supplier.name, Role.SUPPLIER)
        load_network(session=session, network=build_china_network(), actor=actor)
        keys = []
        for i in range(clients):
            buyer = account_for_key(
                session=session, name=f"buyer-{i}", role=Role.BUYER, now=now, new_id=random_id
            )
            keys.append(
                issue_key(
                    session=session,
                    account=buyer,
                    now=now,
                    new_id=random_id,
                    new_secret=random_secret,
                )
            )
    return keys


@contextmanager
def server(url: str, workers: int) -> Iterator[str]:
    """Step 2: uvicorn in its own process(es), until the block ends."""
    port = free_port()
    # each client quotes one job over and over: lift the bound on quotes per job
    env = os.environ | {"SUANLI_DATABASE_URL": url, "SUANLI_MAX_QUOTES_PER_JOB": "1000000"}
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "suanli.service.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(argv, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("uvicorn did not answer /healthz within 60 s")


async def _client(
    base: str, key: str, path: str, seconds: float, latencies: list[float], errors: list[int]
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        body = None
        if path == "/v1/quotes":
            job = await client.post("/v1/jobs", json=JOB)
            body = {"job_id": job.json()["id"]}
        end = time.perf_counter() + seconds
        while (now := time.perf_counter()) < end:
            response = await (client.post(path, json=body) if body else client.get(path))
            latencies.append(time.perf_counter() - now)
            if response.status_code >= 300:
                errors.append(response.status_code)


def measure(base: str, keys: list[str], path: str, seconds: float) -> dict[str, Any]:
    """Steps 3–5: all clients at once on `path`; requests/s and latency percentiles."""
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(_client(base, k, path, seconds, latencies, errors) for k in keys))
        return time.perf_counter() - started

    wall = asyncio.run(main())
    ms = np.array(latencies) * 1000
    return {
        "clients": len(keys),
        "requests": len(latencies),
        "errors": len(errors),
        "per_second": round(len(latencies) / max(wall, seconds), 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
    }


@contextmanager
def database_url(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    postgres = start()
    try:
        yield postgres.create_database("bench")
    finally:
        postgres.stop()


def bench(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with database_url(kind) as url:
        database = open_database(url)
        keys = prepare(database, args.clients)
        database.dispose()
        with server(url, args.workers) as base:
            measure(base, keys[:4], "/v1/quotes", 1.0)  # warm-up
            health = measure(base, keys, "/healthz", args.seconds)
            quotes = measure(base, keys, "/v1/quotes", args.seconds)
            alone = measure(base, keys[:1], "/v1/quotes", args.seconds)
    return {
        "database": kind,
        "quotes": quotes,
        "healthz": health,
        "one_client": alone,
        "quotes_vs_healthz": round(quotes["per_second"] / health["per_second"], 3),
        "speedup_vs_one_client": round(quotes["per_second"] / alone["per_second"], 2),
    }


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'database':<11} {'phase':<12} {'clients':>7} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}"
    )
    for r in results:
        for phase in ("quotes", "healthz", "one_client"):
            m = r[phase]
            print(
                f"{r['database']:<11} {phase:<12} {m['clients']:>7} {m['per_second']:>8} "
                f"{m['p50_ms']:>8} {m['p99_ms']:>8} {m['errors']:>6}"
            )
        print(
            f"{r['database']:<11} quotes/s ÷ healthz/s = {r['quotes_vs_healthz']}, "
            f"{r['quotes']['clients']} clients ÷ 1 client = {r['speedup_vs_one_client']}"
        )


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    results = [bench(kind, args) for kind in args.databases.split(",")]
    summary = {
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "seconds": args.seconds,
        "results": results,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        report(results)
    return summary


if __name__ == "__main__":
    run()
