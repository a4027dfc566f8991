"""The network: sites, demand regions and what is known about the paths between them."""

from __future__ import annotations

from dataclasses import dataclass, field

from suanli.domain.checks import non_negative, positive, require, unique
from suanli.domain.site import GpuPool, Region, Site
from suanli.errors import UnknownNameError

DEFAULT_ROUTE_FACTOR = 1.5
DEFAULT_OVERHEAD_MS = 1.0


@dataclass(frozen=True, slots=True)
class LatencyParams:
    """How RTT is estimated where it was not measured: route factor over the great circle,
    plus a fixed overhead (switching, last mile). DOMAIN.md §2: real routes are 1.3–2× longer."""

    route_factor: float = DEFAULT_ROUTE_FACTOR
    overhead_ms: float = DEFAULT_OVERHEAD_MS

    def __post_init__(self) -> None:
        # A factor below 1 would claim a path shorter than the great circle: faster than light.
        require(
            self.route_factor >= 1.0,
            f"route_factor must be >= 1.0 (no route is shorter than the great circle), "
            f"got {self.route_factor}",
        )
        non_negative("overhead_ms", self.overhead_ms)


@dataclass(frozen=True, slots=True)
class RttOverride:
    """A measured round-trip time between a site and a region; it beats the estimate."""

    site: str
    region: str
    rtt_ms: float

    def __post_init__(self) -> None:
        positive("rtt_ms", self.rtt_ms)


@dataclass(frozen=True, slots=True)
class Network:
    """Sites and demand regions; ids are unique and every override names known ones."""

    name: str
    sites: tuple[Site, ...]
    regions: tuple[Region, ...]
    latency: LatencyParams = field(default_factory=LatencyParams)
    rtt_overrides: tuple[RttOverride, ...] = ()

    def __post_init__(self) -> None:
        unique("site", (s.id for s in self.sites))
        unique("region", (r.id for r in self.regions))
        unique("pool", (p.id for s in self.sites for p in s.pools))
        site_ids = {s.id for s in self.sites}
        region_ids = {r.id for r in self.regions}
        for o in self.rtt_overrides:
            require(o.site in site_ids, f"rtt override names unknown site {o.site!r}")
            require(o.region in region_ids, f"rtt override names unknown region {o.region!r}")

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise UnknownNameError("site", site_id, [s.id for s in self.sites])

    def region(self, region_id: str) -> Region:
        for r in self.regions:
            if r.id == region_id:
                return r
        raise UnknownNameError("region", region_id, [r.id for r in self.regions])

    def pools(self) -> list[tuple[Site, GpuPool]]:
        """Every pool with its site, in file order."""
        return [(s, p) for s in self.sites for p in s.pools]

    @property
    def gpus(self) -> int:
        return sum(s.gpus for s in self.sites)
