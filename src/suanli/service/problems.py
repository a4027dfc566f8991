"""Errors as `application/problem+json` (RFC 9457): a type, a title, the status, a detail that
says how to fix the request and, for validation errors, one entry per field path.

The status of each error class is set here and only here."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from suanli.errors import (
    ConflictError,
    DatabaseUnavailableError,
    ForbiddenError,
    IdempotencyKeyReusedError,
    InvalidFileError,
    InvalidValueError,
    NotFoundError,
    SuanliError,
    UnauthorizedError,
    UnknownNameError,
)

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("suanli.service")

STATUS: tuple[tuple[type[SuanliError], int, str], ...] = (
    (UnauthorizedError, 401, "unauthorized"),
    (ForbiddenError, 403, "forbidden"),
    (NotFoundError, 404, "not-found"),
    (IdempotencyKeyReusedError, 422, "idempotency-key-reused"),
    (ConflictError, 409, "conflict"),
    (InvalidFileError, 422, "invalid-body"),
    (InvalidValueError, 422, "invalid-value"),
    (UnknownNameError, 422, "unknown-name"),
    (DatabaseUnavailableError, 503, "database-unavailable"),
    (SuanliError, 400, "bad-request"),
)
TITLES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    400: "Bad Request",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem_body(
    status: int, slug: str, detail: str, instance: str, **extra: Any
) -> dict[str, Any]:
    return {
        "type": f"urn:suanli:problem:{slug}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }


def respond(status: int, body: dict[str, Any] | str) -> Response:
    """A problem response; `body` may be JSON text already (a stored response)."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(body, str):
        return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def problem(request: Request, status: int, slug: str, detail: str, **extra: Any) -> Response:
    return respond(status, problem_body(status, slug, detail, request.url.path, **extra))


def describe(exc: SuanliError, instance: str) -> tuple[int, dict[str, Any]]:
    """The status and problem document of a suanli error."""
    status, slug = next((s, n) for kind, s, n in STATUS if isinstance(exc, kind))
    if isinstance(exc, InvalidFileError):
        errors = [{"field": p.field, "message": p.message} for p in exc.problems]
        detail = "fix the request body: " + "; ".join(
            f"{p.field}: {p.message}" for p in exc.problems
        )
        return status, problem_body(status, slug, detail, instance, errors=errors)
    return status, problem_body(status, slug, str(exc), instance)


async def suanli_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SuanliError)
    return respond(*describe(exc, request.url.path))


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": field_path(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(request, 422, "invalid-request", f"fix the request: {detail}", errors=errors)


def field_path(loc: Any) -> str:
    """`("body", "lines", 0, "gpus")` -> `body.lines[0].gpus`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "request"


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    hints = {
        404: f"no route {request.url.path}; see /docs for the API",
        405: f"{request.method} is not allowed on {request.url.path}; see /docs",
    }
    detail = hints.get(exc.status_code, str(exc.detail))
    return problem(
        request,
        exc.status_code,
        TITLES.get(exc.status_code, "error").lower().replace(" ", "-"),
        detail,
    )


async def database_error(request: Request, exc: Exception) -> Response:
    """A constraint that a concurrent request won (409), or the database is unavailable (503)."""
    if isinstance(exc, IntegrityError):
        detail = "another request changed the same data at the same time; read it again and retry"
        return problem(request, 409, "conflict", detail)
    log.warning("database error on %s %s: %s", request.method, request.url.path, exc)
    return problem(request, 503, "database-unavailable", "the database is busy; retry shortly")


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "internal", "the server failed; the operator's log says why")


def install(app: FastAPI) -> None:
    app.add_exception_handler(SuanliError, suanli_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(IntegrityError, database_error)
    app.add_exception_handler(OperationalError, database_error)
    app.add_exception_handler(Exception, server_error)
