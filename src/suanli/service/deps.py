"""Typed dependencies of the routes (after full-stack-fastapi-template): the exchange, the
caller (from `Authorization: Bearer KEY`) and the roles a route admits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from suanli.errors import ForbiddenError, UnauthorizedError
from suanli.market.roles import Role
from suanli.service.auth_failures import AuthFailuresDep, client_address
from suanli.service.context import Exchange
from suanli.store.accounts import Principal

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
"""Ids in paths and new ids: letters, digits and . _ : - (at most 100)."""

IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
"""An id in a route's path, checked against `ID_PATTERN`."""

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `suanli admin create-key` or POST /v1/accounts.",
)


def get_exchange(request: Request) -> Exchange:
    exchange: Exchange = request.app.state.exchange
    return exchange


ExchangeDep = Annotated[Exchange, Depends(get_exchange)]


def get_principal(
    request: Request,
    exchange: ExchangeDep,
    failures: AuthFailuresDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Principal:
    """The caller, after the limit on failed authentications (`service.auth_failures`)."""
    key = credentials.credentials if credentials is not None else ""
    subjects = failures.subjects(client_address(request), key)
    failures.check(subjects)
    if not key:
        failures.record_failure(subjects)
        raise UnauthorizedError(
            "send your API key as 'Authorization: Bearer KEY'; an operator creates keys with "
            "'suanli admin create-key'"
        )
    with exchange.db.read() as session:
        principal = exchange.keys.principal(session, key)
    if principal is None:
        failures.record_failure(subjects)
        raise UnauthorizedError("unknown or revoked API key; check it, or ask for a new one")
    return principal


def roles(*allowed: Role) -> Callable[..., Principal]:
    """A dependency admitting only callers in `allowed` roles (operators always)."""
    names = ", ".join(r.value for r in (Role.OPERATOR, *allowed))

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role is not Role.OPERATOR and principal.role not in allowed:
            raise ForbiddenError(f"a {principal.role.value} may not do this; it needs: {names}")
        return principal

    return check


AnyoneDep = Annotated[Principal, Depends(get_principal)]
OperatorDep = Annotated[Principal, Depends(roles())]
BuyerDep = Annotated[Principal, Depends(roles(Role.BUYER))]
SupplierDep = Annotated[Principal, Depends(roles(Role.SUPPLIER))]
ActorDep = Annotated[Principal, Depends(roles(Role.BUYER, Role.SUPPLIER))]
"""Anyone who may change something: everyone but auditors."""
LimitQuery = Annotated[int, Query(ge=1, le=500, description="Most items to return.")]
OffsetQuery = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]
OverseerDep = Annotated[Principal, Depends(roles(Role.AUDITOR))]
"""Operators and auditors: those who see everything."""


async def raw_body(request: Request) -> bytes:
    """The request body as bytes, for bodies in the file formats."""
    return await request.body()


RawBodyDep = Annotated[bytes, Depends(raw_body)]
