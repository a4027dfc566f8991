"""Checks of a network document beyond its schema: ids, GPU models, measured RTTs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from suanli.formats.common_checks import check_gpu_model, check_unique
from suanli.formats.report import Path, Report, items, listing, number, sub_items, text
from suanli.units import FIBER_KM_PER_MS, fiber_rtt_floor_ms, great_circle_km

Entries = list[tuple[Path, Mapping[str, Any]]]
Place = tuple[float, float] | None
"""Latitude and longitude of a site or region, None when they failed the schema."""


def check_network(data: Mapping[str, Any], report: Report) -> None:
    """Add the network's semantic problems to `report`, reading only values that passed the
    schema."""
    sites, regions = items(data, "sites"), items(data, "regions")
    pools = [pool for path, site in sites for pool in sub_items(path, site, "pools")]
    check_unique(report, "site", _ids(report, sites))
    check_unique(report, "pool", _ids(report, pools))
    check_unique(report, "region", _ids(report, regions))
    for path, pool in pools:
        check_gpu_model(report, (*path, "gpu_model"), text(report, path, pool, "gpu_model"))
    site_at, region_at = _places(report, sites), _places(report, regions)
    for path, override in items(data, "rtt_overrides"):
        _check_override(report, path, override, site_at, region_at)


def _ids(report: Report, entries: Entries) -> list[tuple[Path, str | None]]:
    return [((*path, "id"), text(report, path, obj, "id")) for path, obj in entries]


def _places(report: Report, entries: Entries) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for path, obj in entries:
        name = text(report, path, obj, "id")
        lat, lon = number(report, path, obj, "lat"), number(report, path, obj, "lon")
        if name is not None:
            places.setdefault(name, None if lat is None or lon is None else (lat, lon))
    return places


def _check_override(
    report: Report,
    path: Path,
    override: Mapping[str, Any],
    site_at: dict[str, Place],
    region_at: dict[str, Place],
) -> None:
    site = text(report, path, override, "site")
    region = text(report, path, override, "region")
    if site is not None and site not in site_at:
        report.add((*path, "site"), f"unknown site {site!r}; sites: {listing(site_at)}")
    if region is not None and region not in region_at:
        report.add((*path, "region"), f"unknown region {region!r}; regions: {listing(region_at)}")
    rtt = number(report, path, override, "rtt_ms")
    a, b = site_at.get(site or ""), region_at.get(region or "")
    if rtt is None or a is None or b is None:
        return
    km = great_circle_km(*a, *b)
    floor = fiber_rtt_floor_ms(km)
    if rtt < floor:
        report.add(
            (*path, "rtt_ms"),
            f"{rtt:g} ms is faster than light in fiber: {site} and {region} are {km:.0f} km "
            f"apart, so the RTT is at least {floor:.2f} ms (2 x distance / "
            f"{FIBER_KM_PER_MS:g} km/ms); check the measurement",
        )
