"""Read the network on the exchange: rows for the API, domain objects for placement."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from suanli.domain import Fabric, GpuPool, LatencyParams, Network, Region, RttOverride, Site
from suanli.errors import NotFoundError
from suanli.store.tables import NetworkRow, PoolRow, RegionRow, RttOverrideRow, SiteRow


@dataclass(frozen=True, slots=True, eq=False)
class NetworkState:
    """The live network with the GPUs reserved per pool and the owner of each site."""

    network: Network
    used_gpus: dict[str, int]
    owners: dict[str, str]


def pool_of(row: PoolRow) -> GpuPool:
    return GpuPool(
        row.id,
        row.gpu_model,
        row.nodes,
        row.gpus_per_node,
        row.cpu_milli_per_node,
        row.memory_mib_per_node,
        Fabric(row.fabric),
        row.reserve_price_yuan_per_gpu_hour,
    )


def site_of(row: SiteRow, pools: list[PoolRow]) -> Site:
    return Site(
        id=row.id,
        name=row.name,
        city=row.city,
        lat=row.lat,
        lon=row.lon,
        pools=tuple(pool_of(p) for p in pools),
        egress_gbps=row.egress_gbps,
        electricity_yuan_per_kwh=row.electricity_yuan_per_kwh,
        pue=row.pue,
        hub=row.hub,
        cluster=row.cluster,
    )


def region_of(row: RegionRow) -> Region:
    return Region(row.id, row.name, row.lat, row.lon, row.demand_weight)


def network_state(*, session: Session) -> NetworkState:
    """The sites and pools in service (not retired), as a domain `Network`."""
    sites = list(
        session.scalars(select(SiteRow).where(SiteRow.retired.is_(False)).order_by(SiteRow.id))
    )
    pools = pools_by_site(session=session, site_ids=[s.id for s in sites])
    meta = session.get(NetworkRow, 1)
    assert meta is not None, "the migrations insert the network row"
    regions = tuple(region_of(r) for r in list_regions(session=session))
    live = {s.id for s in sites}
    overrides = tuple(
        RttOverride(o.site_id, o.region_id, o.rtt_ms)
        for o in session.scalars(select(RttOverrideRow))
        if o.site_id in live
    )
    network = Network(
        meta.name,
        tuple(site_of(s, pools.get(s.id, [])) for s in sites),
        regions,
        LatencyParams(meta.route_factor, meta.overhead_ms),
        overrides,
    )
    used = {p.id: p.reserved_gpus for ps in pools.values() for p in ps}
    return NetworkState(network, used, {s.id: s.owner_id for s in sites})


def pools_by_site(*, session: Session, site_ids: list[str]) -> dict[str, list[PoolRow]]:
    query = select(PoolRow).where(PoolRow.site_id.in_(site_ids), PoolRow.retired.is_(False))
    grouped: dict[str, list[PoolRow]] = {}
    for pool in session.scalars(query.order_by(PoolRow.id)):
        grouped.setdefault(pool.site_id, []).append(pool)
    return grouped


def list_regions(*, session: Session) -> list[RegionRow]:
    return list(session.scalars(select(RegionRow).order_by(RegionRow.id)))


def list_sites(*, session: Session, owner_id: str | None, limit: int, offset: int) -> list[SiteRow]:
    query = select(SiteRow).where(SiteRow.retired.is_(False))
    if owner_id is not None:
        query = query.where(SiteRow.owner_id == owner_id)
    return list(session.scalars(query.order_by(SiteRow.id).limit(limit).offset(offset)))


def get_site(*, session: Session, site_id: str) -> SiteRow:
    row = session.get(SiteRow, site_id)
    if row is None or row.retired:
        raise NotFoundError("site", site_id)
    return row


def list_pools(*, session: Session, site_id: str | None, limit: int, offset: int) -> list[PoolRow]:
    query = select(PoolRow).where(PoolRow.retired.is_(False))
    if site_id is not None:
        query = query.where(PoolRow.site_id == site_id)
    return list(session.scalars(query.order_by(PoolRow.id).limit(limit).offset(offset)))


def get_pool(*, session: Session, pool_id: str) -> PoolRow:
    row = session.get(PoolRow, pool_id)
    if row is None or row.retired:
        raise NotFoundError("pool", pool_id)
    return row


def network_revision(*, session: Session) -> int:
    """The network's revision: it changes whenever a region, site or pool does."""
    revision = session.scalar(select(NetworkRow.revision).where(NetworkRow.id == 1))
    return int(revision or 0)


def reserved_gpus(*, session: Session) -> dict[str, int]:
    """GPUs reserved per pool in service (one light query, for cached networks)."""
    query = select(PoolRow.id, PoolRow.reserved_gpus).where(PoolRow.retired.is_(False))
    return {str(row[0]): int(row[1]) for row in session.execute(query)}
