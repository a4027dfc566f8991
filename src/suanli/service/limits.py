"""Request bodies are limited in size before anything reads, parses or authenticates them.

Every route takes a body of at most `max_body_bytes` (ServiceSettings, default 1 000 000);
the telemetry routes (`TELEMETRY_PATHS`) take `telemetry_max_bytes`. A request that declares a
larger Content-Length is answered 413 at once and its body is never read (the server drops it
as it arrives); a body without Content-Length (chunked) is counted as the app reads it and
refused the moment it passes the limit, whatever the app answers instead.

Written by hand as a pure ASGI middleware: Starlette's RequestBodyLimitMiddleware answers
text/plain rather than the exchange's problem+json, and refuses a declared size only when the
app first reads the body, after routing and dependencies have begun.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from suanli.service.problems import problem_body, respond
from suanli.service.settings import ServiceSettings

TELEMETRY_PATHS = frozenset({"/v1/telemetry", "/api/v1/write"})
"""Routes that take telemetry batches, which are larger than any other body."""


@dataclass(frozen=True, slots=True)
class BodyLimits:
    default: int
    telemetry: int

    @classmethod
    def of(cls, settings: ServiceSettings) -> BodyLimits:
        return cls(settings.max_body_bytes, settings.telemetry_max_bytes)

    def for_path(self, path: str) -> int:
        return self.telemetry if path.rstrip("/") in TELEMETRY_PATHS else self.default


class _BodyTooLarge(HTTPException):
    """Raised into the app from `receive`; an HTTPException so that the app's handlers answer
    it quietly (the middleware replaces that answer with its own)."""

    def __init__(self) -> None:
        super().__init__(413, "Content Too Large")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, limit, receive, send)
            return
        await _CountedRequest(self.app, limit).run(scope, receive, send)


class _CountedRequest:
    """One request whose body bytes are counted as the app reads them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit
        self.received, self.exceeded, self.started = 0, False, False

    async def run(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counting() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.limit:
                    self.exceeded = True
            if self.exceeded:
                raise _BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            if self.exceeded and not self.started:
                return  # the 413 below answers instead
            self.started = self.started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_BodyTooLarge):  # when the app let it through
            await self.app(scope, counting, guarded)
        if self.exceeded and not self.started:
            await _too_large(scope, self.limit, receive, send)


def _content_length(scope: Scope) -> int | None:
    text = Headers(scope=scope).get("content-length")
    try:
        return None if text is None else int(text)
    except ValueError:
        return None  # the server refuses a malformed length before the app sees it


async def _too_large(scope: Scope, limit: int, receive: Receive, send: Send) -> None:
    path = scope["path"]
    detail = (
        f"the request body is larger than {limit:,} bytes, the most {path} takes; send less "
        "per request"
    )
    body = problem_body(413, "content-too-large", detail, path)
    await respond(413, body)(scope, receive, send)


def install(app: FastAPI, settings: ServiceSettings) -> None:
    app.add_middleware(BodyLimitMiddleware, limits=BodyLimits.of(settings))
