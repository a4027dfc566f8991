"""The `china` reference network: the 10 national clusters plus metro edge sites.

How it is built (seeded; the same seed gives the same network):
1. Two sites in each of the 10 clusters of the 8 national hubs (DOMAIN.md §2) and one edge site
   in each demand city, a second in the five largest by demand weight: 37 sites.
2. Each site draws 2–3 pools from the GPU mix of its kind: western clusters hold large training
   pools (H800, A800, 910B, H20); eastern clusters a mix with some H100; metro edge sites small
   inference pools (L40S, RTX4090, H20, some H100/H800).
3. Node counts are log-uniform in a range per kind; reserve prices are today's rents
   (catalog `rents`, DOMAIN.md §1) × a location factor (west 0.9, east 1.0, metro 1.15: power
   is cheap in the west, nearness to users sells in the east) × a ±8 % jitter.
4. Electricity and PUE come from the catalog `power` table; egress bandwidth is drawn per kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from suanli.catalog.places import clusters, demand_regions, power, rents
from suanli.domain import Fabric, GpuPool, Network, Site

DEFAULT_SEED = 7
METRO_WITH_TWO_SITES = 5
PRICE_JITTER = 0.08


@dataclass(frozen=True, slots=True)
class SiteKind:
    """The GPU mix and size of one kind of site."""

    models: tuple[str, ...]
    weights: tuple[float, ...]
    nodes: tuple[int, int]
    egress_gbps: tuple[int, ...]
    price_factor: float


KINDS = {
    "west": SiteKind(
        ("H800", "A800", "910B", "H20", "H100"), (3, 3, 3, 2, 1), (32, 256), (100, 200, 400), 0.9
    ),
    "east": SiteKind(
        ("H100", "H800", "A800", "910B", "H20"), (2, 3, 2, 2, 2), (16, 128), (200, 400), 1.0
    ),
    "metro": SiteKind(
        ("L40S", "RTX4090", "H20", "H100", "H800"), (3, 3, 3, 1, 1), (2, 24), (40, 100), 1.15
    ),
}


@dataclass(frozen=True, slots=True)
class NodeShape:
    """CPU and memory of one server of a GPU model, and the fabric joining its servers."""

    gpus: int
    cpu_milli: int
    memory_mib: int
    fabric: Fabric


SHAPES = {
    "H100": NodeShape(8, 192_000, 2_097_152, Fabric.INFINIBAND),
    "H800": NodeShape(8, 192_000, 2_097_152, Fabric.INFINIBAND),
    "A800": NodeShape(8, 128_000, 1_048_576, Fabric.INFINIBAND),
    "910B": NodeShape(8, 192_000, 1_572_864, Fabric.HCCS),
    "H20": NodeShape(8, 192_000, 2_097_152, Fabric.ROCE),
    "L40S": NodeShape(8, 128_000, 1_048_576, Fabric.PCIE),
    "RTX4090": NodeShape(8, 64_000, 524_288, Fabric.PCIE),
}


@dataclass(frozen=True, slots=True)
class SitePlan:
    """Where a site stands and what kind it is, before its pools are drawn."""

    id: str
    name: str
    city: str
    lat: float
    lon: float
    kind: str
    hub: str = ""
    cluster: str = ""


def slug(text: str) -> str:
    """A lower-case id fragment: "Xi'an" -> "xi-an"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def site_plans() -> list[SitePlan]:
    """Steps 1: two sites per national cluster, one or two edge sites per demand city."""
    plans = [
        SitePlan(
            f"hub-{slug(c.city)}-{n}",
            f"{c.cluster} cluster, {c.hub} hub, site {n}",
            c.city,
            c.lat,
            c.lon,
            "west" if c.west else "east",
            c.hub,
            c.cluster,
        )
        for c in clusters()
        for n in (1, 2)
    ]
    regions = demand_regions()
    largest = sorted(regions, key=lambda r: -r.demand_weight)[:METRO_WITH_TWO_SITES]
    for r in regions:
        for n in (1, 2) if r in largest else (1,):
            plans.append(
                SitePlan(
                    f"edge-{r.id}-{n}",
                    f"{r.name} metro edge, site {n}",
                    r.name,
                    r.lat,
                    r.lon,
                    "metro",
                )
            )
    return plans


def _pool(site_id: str, model: str, kind: SiteKind, rng: np.random.Generator) -> GpuPool:
    shape = SHAPES[model]
    low, high = kind.nodes
    nodes = int(np.exp(rng.uniform(np.log(low), np.log(high + 1))))
    price = rents()[model] * kind.price_factor * rng.uniform(1 - PRICE_JITTER, 1 + PRICE_JITTER)
    return GpuPool(
        id=f"{site_id}-{slug(model)}",
        gpu_model=model,
        nodes=max(low, min(high, nodes)),
        gpus_per_node=shape.gpus,
        cpu_milli_per_node=shape.cpu_milli,
        memory_mib_per_node=shape.memory_mib,
        fabric=shape.fabric,
        reserve_price_yuan_per_gpu_hour=round(float(price), 2),
    )


def _site(plan: SitePlan, rng: np.random.Generator) -> Site:
    """Steps 2–4 for one site."""
    kind = KINDS[plan.kind]
    weights = np.array(kind.weights, dtype=float)
    count = int(rng.integers(2, 4))
    models = rng.choice(len(kind.models), size=count, replace=False, p=weights / weights.sum())
    where = power(plan.city)
    return Site(
        id=plan.id,
        name=plan.name,
        city=plan.city,
        lat=plan.lat,
        lon=plan.lon,
        pools=tuple(_pool(plan.id, kind.models[i], kind, rng) for i in sorted(models)),
        egress_gbps=float(rng.choice(kind.egress_gbps)),
        electricity_yuan_per_kwh=where.electricity_yuan_per_kwh,
        pue=where.pue,
        hub=plan.hub,
        cluster=plan.cluster,
    )


def build_china_network(seed: int = DEFAULT_SEED) -> Network:
    """The reference network of China's hubs and metro edge sites (see the module docstring)."""
    rng = np.random.default_rng(seed)
    return Network(
        name="china-reference",
        sites=tuple(_site(plan, rng) for plan in site_plans()),
        regions=demand_regions(),
    )
