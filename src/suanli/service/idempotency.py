"""`Idempotency-Key` on every POST: a repeated request returns the first response and changes
nothing.

A successful response is stored in the same transaction as the changes it reports, so either
both are committed or neither. A request refused by the exchange's rules (404, 403, 409...)
changed nothing; its problem response is stored too, so the same key gets the same refusal
(send a new key to try again after, say, a top-up). Requests rejected before they run (401, a
role that may not call the route, a body that fails validation) are not stored. Two requests
racing with one key both run; the loser's insert of the key fails on the primary key (or its
change fails on the winner's), its transaction rolls back, and it answers with the winner's
stored response. The same key with a different method, path or body is refused with 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.responses import Response

from suanli.errors import IdempotencyKeyReusedError, SuanliError
from suanli.service.context import Exchange
from suanli.service.problems import describe, respond
from suanli.store.accounts import Principal
from suanli.store.idempotency import find_response, save_response
from suanli.store.tables import IdempotencyRow

REPLAYED_HEADER = "Idempotent-Replayed"


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
    body = await request.body()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.url.path.encode(), request.url.query.encode()):
        digest.update(part + b"\0")
    digest.update(body)
    return Idempotency(key, digest.hexdigest(), request.url.path)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]


def stored(exchange: Exchange, principal: Principal, idem: Idempotency) -> Response | None:
    """The first response to this key, when there is one (a cheap check before heavy work)."""
    if idem.key is None:
        return None
    with exchange.db.read() as session:
        row = find_response(session=session, account_id=principal.account_id, key=idem.key)
        return None if row is None else _replay(row, idem)


def respond_once(
    exchange: Exchange,
    principal: Principal,
    idem: Idempotency,
    action: Callable[[Session], BaseModel],
    status_code: int = 201,
) -> Response:
    """Run `action` in a write transaction and answer with its result, once per key."""
    try:
        return _run(exchange, principal, idem, action, status_code)
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
            save_response(
                session=session,
                account_id=principal.account_id,
                key=idem.key,
                fingerprint=idem.fingerprint,
                status_code=status,
                body=text,
                now=exchange.clock(),
            )
    except IntegrityError:
        return stored(exchange, principal, idem) or respond(status, text)
    return respond(status, text)


def _run(
    exchange: Exchange,
    principal: Principal,
    idem: Idempotency,
    action: Callable[[Session], BaseModel],
    status_code: int,
) -> Response:
    with exchange.db.write() as session:
        if idem.key is not None:
            row = find_response(session=session, account_id=principal.account_id, key=idem.key)
            if row is not None:
                return _replay(row, idem)
        body = action(session).model_dump_json()
        if idem.key is not None:
            save_response(
                session=session,
                account_id=principal.account_id,
                key=idem.key,
                fingerprint=idem.fingerprint,
                status_code=status_code,
                body=body,
                now=exchange.clock(),
            )
    return Response(body, status_code=status_code, media_type="application/json")


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
