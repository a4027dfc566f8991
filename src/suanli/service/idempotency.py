"""`Idempotency-Key` on every POST: a repeated request returns the first response and changes
nothing.

A successful response is stored in the same transaction as the changes it reports, so either
both are committed or neither. A request refused by the exchange's rules (404, 403, 409...)
changed nothing; its problem response is stored too, so the same key gets the same refusal
(send a new key to try again after, say, a top-up). Requests rejected before they run (401, a
role that may not call the route, a body that fails validation) are not stored. Two requests
racing with one key both run; the loser's insert of the key fails on the primary key (or its
change fails on the winner's), its transaction rolls back, and it answers with the winner's
stored response.

Requests are the same when method, path, query and body are: a JSON body is compared by its
parsed value (spacing and the order of keys do not matter; `1` and `1.0` are different), any
other body (telemetry text) by its bytes. The same key with a different request is refused
with 422.

Records expire `idempotency_ttl_hours` (ServiceSettings, default 24 hours) after they were
stored, on the exchange's clock: an older record counts as absent, so the request runs again
and its response replaces the record; saving a record purges the account's expired ones.

Secrets are never stored: a route whose response carries one (the API key of a new account)
passes `stored_as`, the copy kept for replays, which leaves the secret out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.responses import Response

from suanli.errors import IdempotencyKeyReusedError, SuanliError
from suanli.service.bodies import is_json_media
from suanli.service.context import Exchange
from suanli.service.problems import describe, respond
from suanli.store.accounts import Principal
from suanli.store.idempotency import find_response, save_response
from suanli.store.tables import IdempotencyRow

REPLAYED_HEADER = "Idempotent-Replayed"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Idempotency:
    key: str | None
    fingerprint: str
    path: str = ""


async def get_idempotency(
    request: Request,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=r"^[\x21-\x7e]{1,255}$",
            description="Send the same key again to get the first response without repeating "
            "the change (1–255 visible ASCII characters, e.g. a UUID).",
        ),
    ] = None,
) -> Idempotency:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.url.path.encode(), request.url.query.encode()):
        digest.update(part + b"\0")
    content_type = request.headers.get("content-type")
    digest.update(comparable_body(await request.body(), content_type))
    return Idempotency(key, digest.hexdigest(), request.url.path)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]


def comparable_body(raw: bytes, content_type: str | None) -> bytes:
    """What two requests must share to be the same request: a JSON body's parsed value in one
    canonical spelling, any other body's bytes (tagged, so that the two never collide)."""
    if raw and (content_type is None or is_json_media(content_type)):
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            pass  # not JSON after all: compared by its bytes
        else:
            canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
            return b"json\0" + canonical.encode()
    return b"bytes\0" + raw


def _fresh_since(exchange: Exchange) -> datetime:
    """Records stored before this moment have expired."""
    return exchange.clock() - timedelta(hours=exchange.settings.idempotency_ttl_hours)


def stored(exchange: Exchange, principal: Principal, idem: Idempotency) -> Response | None:
    """The first response to this key, when there is one (a cheap check before heavy work)."""
    if idem.key is None:
        return None
    with exchange.db.read() as session:
        row = _find(session, exchange, principal, idem.key)
        return None if row is None else _replay(row, idem)


def respond_once(
    exchange: Exchange,
    principal: Principal,
    idem: Idempotency,
    action: Callable[[Session], M],
    status_code: int = 201,
    stored_as: Callable[[M], BaseModel] | None = None,
) -> Response:
    """Run `action` in a write transaction and answer with its result, once per key; replays
    answer `stored_as(result)` when given (a copy without secrets)."""
    try:
        return _run(exchange, principal, idem, action, status_code, stored_as)
    except (IntegrityError, SuanliError) as error:
        # A concurrent request with the same key may have won the race (its change made this
        # one fail); then its response is the answer.
        replay = stored(exchange, principal, idem)
        if replay is not None:
            return replay
        if idem.key is None or not isinstance(error, SuanliError):
            raise
        return refusal(exchange, principal, idem, error)


def refusal(
    exchange: Exchange, principal: Principal, idem: Idempotency, error: SuanliError
) -> Response:
    """Store the problem response of a refused request under its key, and answer with it."""
    assert idem.key is not None
    status, body = describe(error, idem.path)
    text = json.dumps(body, ensure_ascii=False)
    try:
        with exchange.db.write() as session:
            _save(session, exchange, principal, idem, status, text)
    except IntegrityError:
        return stored(exchange, principal, idem) or respond(status, text)
    return respond(status, text)


def _run(
    exchange: Exchange,
    principal: Principal,
    idem: Idempotency,
    action: Callable[[Session], M],
    status_code: int,
    stored_as: Callable[[M], BaseModel] | None,
) -> Response:
    with exchange.db.write() as session:
        if idem.key is not None:
            row = _find(session, exchange, principal, idem.key)
            if row is not None:
                return _replay(row, idem)
        result = action(session)
        body = result.model_dump_json()
        if idem.key is not None:
            kept = body if stored_as is None else stored_as(result).model_dump_json()
            _save(session, exchange, principal, idem, status_code, kept)
    return Response(body, status_code=status_code, media_type="application/json")


def _find(
    session: Session, exchange: Exchange, principal: Principal, key: str
) -> IdempotencyRow | None:
    return find_response(
        session=session,
        account_id=principal.account_id,
        key=key,
        fresh_since=_fresh_since(exchange),
    )


def _save(
    session: Session,
    exchange: Exchange,
    principal: Principal,
    idem: Idempotency,
    status_code: int,
    body: str,
) -> None:
    assert idem.key is not None
    save_response(
        session=session,
        account_id=principal.account_id,
        key=idem.key,
        fingerprint=idem.fingerprint,
        status_code=status_code,
        body=body,
        now=exchange.clock(),
        fresh_since=_fresh_since(exchange),
    )


def _replay(row: IdempotencyRow, idem: Idempotency) -> Response:
    if row.fingerprint != idem.fingerprint:
        raise IdempotencyKeyReusedError(
            f"Idempotency-Key {idem.key!r} was used for a different request; use a new key for "
            "a new request"
        )
    headers = {REPLAYED_HEADER: "true"}
    if row.status_code >= 400:
        response = respond(row.status_code, row.body)
        response.headers.update(headers)
        return response
    return Response(
        row.body, status_code=row.status_code, media_type="application/json", headers=headers
    )
