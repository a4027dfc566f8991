"""The 10 national clusters, the demand cities, and power prices per location."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from suanli.catalog.tables import flag, read_table
from suanli.domain import Region
from suanli.errors import UnknownNameError


@dataclass(frozen=True, slots=True)
class Cluster:
    """One of the 10 data-center clusters of the 8 national hubs (DOMAIN.md §2)."""

    hub: str
    cluster: str
    city: str
    lat: float
    lon: float
    west: bool


@dataclass(frozen=True, slots=True)
class Power:
    """What a site pays for power where it stands."""

    electricity_yuan_per_kwh: float
    pue: float


@cache
def clusters() -> tuple[Cluster, ...]:
    return tuple(
        Cluster(
            hub=r["hub"],
            cluster=r["cluster"],
            city=r["city"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            west=flag(r["west"]),
        )
        for r in read_table("clusters")
    )


@cache
def demand_regions() -> tuple[Region, ...]:
    """The demand cities as regions; weights are an assumption (GDP proxy, see the table)."""
    return tuple(
        Region(
            id=r["id"],
            name=r["name"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            demand_weight=float(r["demand_weight"]),
        )
        for r in read_table("cities")
    )


@cache
def power(city: str) -> Power:
    """Electricity price and PUE for a city of the catalog."""
    rows = {r["city"]: r for r in read_table("power")}
    if city not in rows:
        raise UnknownNameError("location", city, list(rows))
    row = rows[city]
    return Power(float(row["electricity_yuan_per_kwh"]), float(row["pue"]))


@cache
def rents() -> dict[str, float]:
    """Typical reserve price in yuan per GPU-hour for each rentable model (DOMAIN.md §1)."""
    return {
        r["gpu_model"]: float(r["reserve_price_yuan_per_gpu_hour"]) for r in read_table("rents")
    }
