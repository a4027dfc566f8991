"""Load a network file into the exchange (`suanli network load`): regions, the latency model,
and sites with their pools, added or updated."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from suanli.domain import Network, Site
from suanli.errors import AlreadyExistsError
from suanli.store.accounts import Principal
from suanli.store.network_write import (
    add_site,
    bump_revision,
    check_owner,
    insert_pool,
    put_region,
    update_pool,
    update_site,
)
from suanli.store.tables import NetworkRow, PoolRow, RttOverrideRow, SiteRow


@dataclass(frozen=True, slots=True)
class Loaded:
    regions: int
    sites_added: int
    sites_updated: int
    pools: int


def load_network(*, session: Session, network: Network, actor: Principal) -> Loaded:
    """Add or update every region and site of `network`; new sites belong to `actor`."""
    bump_revision(session)
    meta = session.get(NetworkRow, 1)
    assert meta is not None, "the migrations insert the network row"
    meta.name = network.name
    meta.route_factor, meta.overhead_ms = network.latency.route_factor, network.latency.overhead_ms
    for region in network.regions:
        put_region(session=session, region=region)
    added = sum(_load_site(session, site, actor) for site in network.sites)
    ids = [s.id for s in network.sites]
    session.execute(delete(RttOverrideRow).where(RttOverrideRow.site_id.in_(ids)))
    session.add_all(
        RttOverrideRow(site_id=o.site, region_id=o.region, rtt_ms=o.rtt_ms)
        for o in network.rtt_overrides
    )
    session.flush()
    pools = sum(len(s.pools) for s in network.sites)
    return Loaded(len(network.regions), added, len(network.sites) - added, pools)


def _load_site(session: Session, site: Site, actor: Principal) -> bool:
    """Add `site` (True) or update it and upsert its pools (False)."""
    row = session.get(SiteRow, site.id)
    if row is None:
        add_site(session=session, site=site, owner_id=actor.account_id)
        return True
    check_owner(row, actor)
    row.retired = False
    update_site(session=session, site=site, actor=actor)
    for pool in site.pools:
        existing = session.get(PoolRow, pool.id)
        if existing is None:
            insert_pool(session, site.id, pool)
            continue
        if existing.site_id != site.id:
            raise AlreadyExistsError(f"pool id {pool.id!r} belongs to site {existing.site_id!r}")
        existing.retired = False
        update_pool(session=session, pool=pool, actor=actor)
    return False
