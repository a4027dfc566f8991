"""Change the network: suppliers' sites and pools, demand regions, and loading a network file.

Only a site's owner (or an operator) changes it. A pool's size never drops below the GPUs
reserved in it; its GPU model, fabric and node shape (`SHAPE_FIELDS`) do not change while any of
its GPUs are reserved, since the jobs on them were quoted for that hardware; and a site or pool
with reservations cannot be retired. Each is a conditional UPDATE, so a reservation committed at
the same time cannot slip past the check.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from suanli.domain import GpuPool, Region, Site
from suanli.errors import AlreadyExistsError, ConflictError, ForbiddenError
from suanli.market.roles import Role
from suanli.store.accounts import Principal
from suanli.store.network_read import get_pool, get_site
from suanli.store.tables import NetworkRow, PoolRow, RegionRow, SiteRow

SITE_FIELDS = (
    "name",
    "city",
    "lat",
    "lon",
    "egress_gbps",
    "electricity_yuan_per_kwh",
    "pue",
    "hub",
    "cluster",
)
SHAPE_FIELDS = ("gpu_model", "fabric", "gpus_per_node", "cpu_milli_per_node", "memory_mib_per_node")
"""What a reserved pool keeps: the hardware its reservations were quoted on."""
POOL_FIELDS = (
    "gpu_model",
    "nodes",
    "gpus_per_node",
    "cpu_milli_per_node",
    "memory_mib_per_node",
    "reserve_price_yuan_per_gpu_hour",
)


def bump_revision(session: Session) -> None:
    """Tell cached readers that the network changed (`NetworkRow.revision`)."""
    session.execute(
        update(NetworkRow).where(NetworkRow.id == 1).values(revision=NetworkRow.revision + 1)
    )


def check_owner(site: SiteRow, actor: Principal) -> None:
    if actor.role is not Role.OPERATOR and site.owner_id != actor.account_id:
        raise ForbiddenError(
            f"site {site.id!r} belongs to another supplier; you may change only your own sites"
        )


def add_site(*, session: Session, site: Site, owner_id: str) -> SiteRow:
    """Insert `site` and its pools; ids must be new, even those of retired sites and pools."""
    bump_revision(session)
    if session.get(SiteRow, site.id) is not None:
        raise AlreadyExistsError(f"site id {site.id!r} is taken; choose another id")
    row = SiteRow(id=site.id, owner_id=owner_id, retired=False, **_site_values(site))
    session.add(row)
    session.flush()
    for pool in site.pools:
        insert_pool(session, site.id, pool)
    return row


def update_site(*, session: Session, site: Site, actor: Principal) -> SiteRow:
    """Replace the site's own fields (not its pools) with those of `site`."""
    bump_revision(session)
    row = get_site(session=session, site_id=site.id)
    check_owner(row, actor)
    for name, value in _site_values(site).items():
        setattr(row, name, value)
    session.flush()
    return row


def retire_site(*, session: Session, site_id: str, actor: Principal) -> None:
    bump_revision(session)
    row = get_site(session=session, site_id=site_id)
    check_owner(row, actor)
    _retire_pools(session, PoolRow.site_id == site_id, f"site {site_id!r}")
    row.retired = True
    session.flush()


def add_pool(*, session: Session, site_id: str, pool: GpuPool, actor: Principal) -> PoolRow:
    bump_revision(session)
    check_owner(get_site(session=session, site_id=site_id), actor)
    return insert_pool(session, site_id, pool)


def update_pool(*, session: Session, pool: GpuPool, actor: Principal) -> PoolRow:
    """Replace the pool's fields; refused while it has more GPUs reserved than it would hold,
    or has GPUs reserved and its shape would change (module docstring)."""
    bump_revision(session)
    row = get_pool(session=session, pool_id=pool.id)
    check_owner(get_site(session=session, site_id=row.site_id), actor)
    values = {name: getattr(pool, name) for name in POOL_FIELDS} | {"fabric": pool.fabric.value}
    reshaped = sorted(name for name in SHAPE_FIELDS if values[name] != getattr(row, name))
    allowed = PoolRow.reserved_gpus == 0 if reshaped else PoolRow.reserved_gpus <= pool.gpus
    changed = session.execute(
        update(PoolRow)
        .where(PoolRow.id == pool.id, allowed)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(_refusal(row, reshaped))
    return row


def _refusal(row: PoolRow, reshaped: list[str]) -> str:
    if reshaped:
        return (
            f"pool {row.id!r} has {row.reserved_gpus} GPUs reserved, so its "
            f"{', '.join(reshaped)} cannot change until those jobs finish (they were quoted on "
            "this hardware); change its size or price, or add a new pool"
        )
    return (
        f"pool {row.id!r} has {row.reserved_gpus} GPUs reserved; nodes × gpus_per_node must "
        f"stay >= {row.reserved_gpus} until those jobs finish"
    )


def retire_pool(*, session: Session, pool_id: str, actor: Principal) -> None:
    bump_revision(session)
    row = get_pool(session=session, pool_id=pool_id)
    check_owner(get_site(session=session, site_id=row.site_id), actor)
    _retire_pools(session, PoolRow.id == pool_id, f"pool {pool_id!r}")


def put_region(*, session: Session, region: Region) -> RegionRow:
    bump_revision(session)
    row = session.get(RegionRow, region.id) or RegionRow(id=region.id)
    row.name, row.lat, row.lon = region.name, region.lat, region.lon
    row.demand_weight = region.demand_weight
    session.add(row)
    session.flush()
    return row


def insert_pool(session: Session, site_id: str, pool: GpuPool) -> PoolRow:
    if session.get(PoolRow, pool.id) is not None:
        raise AlreadyExistsError(f"pool id {pool.id!r} is taken; choose another id")
    row = PoolRow(
        id=pool.id,
        site_id=site_id,
        fabric=pool.fabric.value,
        reserved_gpus=0,
        retired=False,
        **{name: getattr(pool, name) for name in POOL_FIELDS},
    )
    session.add(row)
    session.flush()
    return row


def _retire_pools(session: Session, which: ColumnElement[bool], what: str) -> None:
    session.execute(
        update(PoolRow)
        .where(which, PoolRow.reserved_gpus == 0)
        .values(retired=True)
        .execution_options(synchronize_session=False)
    )
    busy = session.scalar(select(PoolRow.id).where(which, PoolRow.retired.is_(False)))
    if busy is not None:
        raise ConflictError(
            f"{what} has GPUs reserved in pool {busy!r}; retire it once those jobs finish"
        )


def _site_values(site: Site) -> dict[str, object]:
    return {name: getattr(site, name) for name in SITE_FIELDS}
