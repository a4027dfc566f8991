"""Demand regions and suppliers' sites. Bodies follow the network file format (`suanli schema
network`): a site is one item of `sites`, with its pools."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session
from starlette.responses import Response

from suanli.service import bodies, patches
from suanli.service.deps import (
    AnyoneDep,
    ExchangeDep,
    IdPath,
    LimitQuery,
    OffsetQuery,
    OperatorDep,
    RawBodyDep,
    SupplierDep,
)
from suanli.service.idempotency import IdempotencyDep, respond_once
from suanli.service.openapi import body
from suanli.service.schemas.network import RegionPublic, SitePublic
from suanli.store import network_read as read
from suanli.store import network_write as write
from suanli.store.network_read import site_of

router = APIRouter(prefix="/v1", tags=["network"])


@router.get("/regions", summary="Demand regions (cities) that jobs and services name")
def list_regions(exchange: ExchangeDep, _: AnyoneDep) -> list[RegionPublic]:
    with exchange.db.read() as session:
        return [RegionPublic.of(r) for r in read.list_regions(session=session)]


@router.post(
    "/regions",
    status_code=201,
    response_model=RegionPublic,
    summary="Add or replace a demand region (operators)",
    openapi_extra=body("NetworkRegion", "A region, as in a network file."),
)
def put_region(
    raw: RawBodyDep, exchange: ExchangeDep, principal: OperatorDep, idem: IdempotencyDep
) -> object:
    region = bodies.region_body(bodies.checked(raw))
    return respond_once(
        exchange,
        principal,
        idem,
        lambda s: RegionPublic.of(write.put_region(session=s, region=region)),
    )


def site_public(session: Session, site_id: str) -> SitePublic:
    row = read.get_site(session=session, site_id=site_id)
    pools = read.pools_by_site(session=session, site_ids=[site_id]).get(site_id, [])
    return SitePublic.of(row, pools)


@router.get("/sites", summary="Sites in service, with their pools")
def list_sites(
    exchange: ExchangeDep,
    principal: AnyoneDep,
    mine: Annotated[bool, Query(description="Only the caller's own sites.")] = False,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> list[SitePublic]:
    with exchange.db.read() as session:
        owner = principal.account_id if mine else None
        rows = read.list_sites(session=session, owner_id=owner, limit=limit, offset=offset)
        pools = read.pools_by_site(session=session, site_ids=[r.id for r in rows])
        return [SitePublic.of(r, pools.get(r.id, [])) for r in rows]


@router.post(
    "/sites",
    status_code=201,
    response_model=SitePublic,
    summary="Register a site with its pools (suppliers)",
    openapi_extra=body("NetworkSite", "A site, as in a network file."),
)
def create_site(
    raw: RawBodyDep, exchange: ExchangeDep, principal: SupplierDep, idem: IdempotencyDep
) -> object:
    site = bodies.site_body(bodies.checked(raw))

    def action(session: Session) -> SitePublic:
        write.add_site(session=session, site=site, owner_id=principal.account_id)
        return site_public(session, site.id)

    return respond_once(exchange, principal, idem, action)


@router.get("/sites/{site_id}", summary="A site and its pools")
def get_site(site_id: IdPath, exchange: ExchangeDep, _: AnyoneDep) -> SitePublic:
    with exchange.db.read() as session:
        return site_public(session, site_id)


@router.patch(
    "/sites/{site_id}",
    summary="Change a site's own fields (its supplier)",
    openapi_extra=body("NetworkSitePatch", "Fields to change (JSON merge patch)."),
)
def update_site(
    site_id: IdPath, raw: RawBodyDep, exchange: ExchangeDep, principal: SupplierDep
) -> SitePublic:
    patch = bodies.checked(raw)
    with exchange.db.write() as session:
        row = read.get_site(session=session, site_id=site_id)
        write.check_owner(row, principal)
        current = patches.site_doc(site_of(row, []))
        doc = patches.merged(current, patch, frozen=("id", "pools"))
        site = bodies.site_body(doc | {"pools": []})
        write.update_site(session=session, site=site, actor=principal)
        return site_public(session, site_id)


@router.delete(
    "/sites/{site_id}",
    status_code=204,
    response_class=Response,
    summary="Retire a site and its pools (its supplier; none may be reserved)",
)
def delete_site(site_id: IdPath, exchange: ExchangeDep, principal: SupplierDep) -> Response:
    with exchange.db.write() as session:
        write.retire_site(session=session, site_id=site_id, actor=principal)
    return Response(status_code=204)
