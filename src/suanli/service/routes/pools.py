"""GPU pools of suppliers' sites. Bodies follow the network file format: a pool is one item of
a site's `pools`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session
from starlette.responses import Response

from suanli.service import bodies, patches
from suanli.service.deps import (
    ID_PATTERN,
    AnyoneDep,
    ExchangeDep,
    IdPath,
    LimitQuery,
    OffsetQuery,
    RawBodyDep,
    SupplierDep,
)
from suanli.service.idempotency import IdempotencyDep, respond_once
from suanli.service.openapi import body
from suanli.service.schemas.network import PoolPublic
from suanli.store import network_read as read
from suanli.store import network_write as write
from suanli.store.network_read import pool_of, site_of

router = APIRouter(prefix="/v1", tags=["network"])


@router.get("/pools", summary="Pools in service, with free GPUs")
def list_pools(
    exchange: ExchangeDep,
    _: AnyoneDep,
    site_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> list[PoolPublic]:
    with exchange.db.read() as session:
        rows = read.list_pools(session=session, site_id=site_id, limit=limit, offset=offset)
        return [PoolPublic.of(r) for r in rows]


def _site_doc(session: Session, site_id: str) -> dict[str, object]:
    return patches.site_doc(site_of(read.get_site(session=session, site_id=site_id), []))


@router.post(
    "/sites/{site_id}/pools",
    status_code=201,
    response_model=PoolPublic,
    summary="Add a pool to a site (its supplier)",
    openapi_extra=body("NetworkPool", "A pool, as in a network file."),
)
def create_pool(
    site_id: IdPath,
    raw: RawBodyDep,
    exchange: ExchangeDep,
    principal: SupplierDep,
    idem: IdempotencyDep,
) -> object:
    data = bodies.checked(raw)

    def action(session: Session) -> PoolPublic:
        pool = bodies.pool_body(data, _site_doc(session, site_id))
        return PoolPublic.of(
            write.add_pool(session=session, site_id=site_id, pool=pool, actor=principal)
        )

    return respond_once(exchange, principal, idem, action)


@router.get("/pools/{pool_id}", summary="A pool and its free GPUs")
def get_pool(pool_id: IdPath, exchange: ExchangeDep, _: AnyoneDep) -> PoolPublic:
    with exchange.db.read() as session:
        return PoolPublic.of(read.get_pool(session=session, pool_id=pool_id))


@router.patch(
    "/pools/{pool_id}",
    summary="Change a pool: size, price... (its supplier)",
    openapi_extra=body("NetworkPoolPatch", "Fields to change (JSON merge patch)."),
)
def update_pool(
    pool_id: IdPath, raw: RawBodyDep, exchange: ExchangeDep, principal: SupplierDep
) -> PoolPublic:
    patch = bodies.checked(raw)
    with exchange.db.write() as session:
        row = read.get_pool(session=session, pool_id=pool_id)
        site = site_of(read.get_site(session=session, site_id=row.site_id), [])
        current = patches.pool_doc(site, pool_of(row))
        doc = patches.merged(current, patch, frozen=("id",))
        pool = bodies.pool_body(doc, patches.site_doc(site))
        return PoolPublic.of(write.update_pool(session=session, pool=pool, actor=principal))


@router.delete(
    "/pools/{pool_id}",
    status_code=204,
    response_class=Response,
    summary="Retire a pool (its supplier; none of it may be reserved)",
)
def delete_pool(pool_id: IdPath, exchange: ExchangeDep, principal: SupplierDep) -> Response:
    with exchange.db.write() as session:
        write.retire_pool(session=session, pool_id=pool_id, actor=principal)
    return Response(status_code=204)
