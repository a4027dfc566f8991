"""Prometheus metrics of the service itself, in a registry of its own (one per app, so that
several apps in one process do not clash), served at `/metrics`."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods that label requests as themselves; any other is `other`, so that clients cannot
grow the label set without bound (a method is any token the client cares to send)."""


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "suanli_http_requests",
            "HTTP requests served, by method, route template and status code.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "suanli_http_request_duration_seconds",
            "Time to serve a request, by method and route template.",
            ("method", "route"),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.quotes = Counter("suanli_quotes", "Quotes made.", registry=self.registry)
        self.reservations = Counter(
            "suanli_reservations", "Reservations by outcome.", ("outcome",), registry=self.registry
        )
        self.clearings = Counter(
            "suanli_market_clearings", "Clearings of the call market.", registry=self.registry
        )


class MetricsMiddleware:
    """Count and time every HTTP request (a plain ASGI middleware: no per-request task)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method, route = method_of(scope), route_of(scope)
            self.metrics.requests.labels(method, route, str(status[0])).inc()
            elapsed = time.perf_counter() - started
            self.metrics.latency.labels(method, route).observe(elapsed)


def method_of(scope: Scope) -> str:
    method = scope["method"]
    return method if method in METHODS else "other"


def route_of(scope: Scope) -> str:
    """The route template (`/v1/jobs/{job_id}`), so that ids do not explode the label set."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else "unmatched"
