"""Checks of a scenario's events: the fields of each kind, their times, and the ids they name.

Each kind's required and allowed fields come from its spec class (`scenario_spec`), so the file
format and the simulator cannot disagree about them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from suanli.domain import Network
from suanli.formats.common_checks import check_gpu_model, check_unique
from suanli.formats.jsonschemas import schema
from suanli.formats.messages import schema_problems
from suanli.formats.report import Path, Report, items, listing, number, sub_items, text
from suanli.formats.scenario_spec import EVENT_KINDS, field_names, required_fields

Obj = Mapping[str, Any]
HOUR_FIELDS = ("at_hour", "from_hour")
"""Hours that must fall within the run (an outage may last past its end)."""
PRICE_FILTERS = ("site", "pool", "gpu_model")


@cache
def site_validator() -> Draft202012Validator:
    """A validator of one site as a network file writes it."""
    return Draft202012Validator({"$defs": schema("network")["$defs"], "$ref": "#/$defs/site"})


def check_events(
    data: Obj, report: Report, network: Network | None, duration: float | None
) -> None:
    """Fields per kind, hours within the run, new sites, and the sites and pools events name."""
    events = items(data, "events")
    kinds = [(path, text(report, path, e, "kind")) for path, e in events]
    for (path, event), (_, kind) in zip(events, kinds, strict=True):
        if kind is not None:
            _check_fields(report, path, event, kind)
            _check_hours(report, path, event, duration)
    new = [(p, e) for (p, e), (_, k) in zip(events, kinds, strict=True) if k == "new_site"]
    new_sites = _check_new_sites(report, new, network)
    if network is None:
        return
    sites = [s.id for s in network.sites] + new_sites
    pools = [p.id for _, p in network.pools()]
    for (path, event), (_, kind) in zip(events, kinds, strict=True):
        if kind in ("outage", "price_change"):
            _check_names(report, path, event, sites, pools)


def _check_fields(report: Report, path: Path, event: Obj, kind: str) -> None:
    """The fields `kind` requires are there, and no others."""
    spec = EVENT_KINDS[kind]
    allowed = ("kind", *field_names(spec))
    for name in required_fields(spec):
        if name not in event:
            report.add((*path, name), f"{kind} events need {name!r}", at=path)
    for name in event:
        if name not in allowed:
            message = f"{kind} events take no {name!r}; they take: {', '.join(allowed)}"
            report.add((*path, name), message)
    if kind == "price_change" and sum(f in event for f in PRICE_FILTERS) > 1:
        report.add(path, "give at most one of site, pool and gpu_model")
    if kind != "new_site" and isinstance(event.get("site"), Mapping):
        report.add((*path, "site"), f"must be a site id (a string) in {kind} events")


def _check_hours(report: Report, path: Path, event: Obj, duration: float | None) -> None:
    for name in HOUR_FIELDS:
        hour = number(report, path, event, name)
        if hour is not None and duration is not None and hour > duration:
            report.add((*path, name), f"must be <= duration_hours ({duration:g}), got {hour:g}")
    start, end = number(report, path, event, "from_hour"), number(report, path, event, "to_hour")
    if start is not None and end is not None and end <= start:
        report.add((*path, "to_hour"), f"must be > from_hour ({start:g}), got {end:g}")


def _check_new_sites(
    report: Report, new: list[tuple[Path, Obj]], network: Network | None
) -> list[str]:
    """Each new site against the network format, its GPU models, and ids unique across the
    network and the other new sites; returns the ids of the new sites."""
    sites: list[tuple[Path, str | None]] = []
    pools: list[tuple[Path, str | None]] = []
    for path, event in new:
        site, where = event.get("site"), (*path, "site")
        if not isinstance(site, Mapping):
            report.add(where, "must be a site as in a network file (a mapping)")
            continue
        schema_problems(site_validator(), site, report, where)
        sites.append(((*where, "id"), text(report, where, site, "id")))
        for pool_path, pool in sub_items(where, site, "pools"):
            model = text(report, pool_path, pool, "gpu_model")
            check_gpu_model(report, (*pool_path, "gpu_model"), model)
            pools.append(((*pool_path, "id"), text(report, pool_path, pool, "id")))
    check_unique(report, "site", sites)
    check_unique(report, "pool", pools)
    if network is not None:
        _not_taken(report, "site", sites, [s.id for s in network.sites], network.name)
        _not_taken(report, "pool", pools, [p.id for _, p in network.pools()], network.name)
    return [i for _, i in sites if i is not None]


def _not_taken(
    report: Report, kind: str, ids: list[tuple[Path, str | None]], taken: list[str], name: str
) -> None:
    for path, value in ids:
        if value is not None and value in taken:
            report.add(path, f"{kind} id {value!r} is already in network {name!r}; rename it")


def _check_names(
    report: Report, path: Path, event: Obj, sites: list[str], pools: list[str]
) -> None:
    site, pool = text(report, path, event, "site"), text(report, path, event, "pool")
    if site is not None and site not in sites:
        report.add((*path, "site"), f"unknown site {site!r}; sites: {listing(sites)}")
    if pool is not None and pool not in pools:
        report.add((*path, "pool"), f"unknown pool {pool!r}; pools: {listing(pools)}")
    check_gpu_model(report, (*path, "gpu_model"), text(report, path, event, "gpu_model"))
