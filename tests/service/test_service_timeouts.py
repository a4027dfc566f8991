"""Half-open connections time out on the live server (configured as `suanli serve` is): a
client that sends part of a request head and stalls, one that connects and sends nothing, and
an idle kept-alive connection are all closed, while other clients are served meanwhile."""

from __future__ import annotations

import select
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import typer
import uvicorn
from typer.testing import CliRunner

from suanli.cli import serve
from suanli.service.server import HeadTimeoutH11Protocol
from suanli.service.settings import ServiceSettings

HEAD_TIMEOUT_S = 1.0


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    """The tests' settings with short timeouts (this module's `live` server uses them)."""
    return ServiceSettings(
        telemetry_dir=tmp_path / "telemetry",
        header_timeout_s=HEAD_TIMEOUT_S,
        keep_alive_timeout_s=1,
    )


def connect(live: str) -> socket.socket:
    url = urlsplit(live)
    conn = socket.create_connection((url.hostname, url.port), timeout=10)
    return conn


def until_closed(conn: socket.socket) -> tuple[bytes, float]:
    """What the server sends before it closes the connection, and how long that took."""
    started, received = time.monotonic(), b""
    while chunk := conn.recv(65536):
        received += chunk
    return received, time.monotonic() - started


def test_a_stalled_request_head_is_closed_while_others_are_served(live: str) -> None:
    stalled = connect(live)
    stalled.sendall(b"POST /v1/jobs HTTP/1.1\r\nHost: x\r\n")
    result: list[tuple[bytes, float]] = []
    waiter = threading.Thread(target=lambda: result.append(until_closed(stalled)))
    waiter.start()
    with httpx.Client(base_url=live, timeout=5) as client:
        while waiter.is_alive():
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            assert time.perf_counter() - started < 0.5
            time.sleep(0.05)
    waiter.join()
    stalled.close()
    [(received, seconds)] = result
    assert HEAD_TIMEOUT_S * 0.9 <= seconds < HEAD_TIMEOUT_S + 3, seconds
    assert received.startswith(b"HTTP/1.1 408 ")


def test_a_silent_connection_is_closed(live: str) -> None:
    silent = connect(live)
    received, seconds = until_closed(silent)
    silent.close()
    assert received == b"" and seconds < HEAD_TIMEOUT_S + 3


def test_an_idle_kept_alive_connection_is_closed(live: str) -> None:
    conn = connect(live)
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    received, seconds = until_closed(conn)
    conn.close()
    assert received.startswith(b"HTTP/1.1 200 ") and b'"status":"ok"' in received
    assert seconds < 1 + 3  # keep_alive_timeout_s, then closed


def test_a_slow_but_steady_head_still_times_out(live: str) -> None:
    conn = connect(live)
    conn.sendall(b"GET /healthz HTTP/1.1\r\n")
    started = time.monotonic()
    for _ in range(40):  # a header byte every 0.1 s, until the server answers or closes
        if select.select([conn], [], [], 0.1)[0]:
            break
        conn.sendall(b"X")
    received, _ = until_closed(conn)
    conn.close()
    assert time.monotonic() - started < HEAD_TIMEOUT_S + 3
    assert received.startswith(b"HTTP/1.1 408 ")


def test_suanli_serve_runs_the_same_protocol_and_timeouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    monkeypatch.setenv("SUANLI_HEADER_TIMEOUT_S", "3.5")
    monkeypatch.setenv("SUANLI_KEEP_ALIVE_TIMEOUT_S", "7")
    command = typer.Typer()
    command.command()(serve.serve)
    result = CliRunner().invoke(command, ["--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 0, result.output
    [options] = calls
    assert issubclass(options["http"], HeadTimeoutH11Protocol)
    assert options["http"].header_timeout_s == 3.5 and options["timeout_keep_alive"] == 7
