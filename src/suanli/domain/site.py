"""Where GPUs are: pools inside sites, and the demand regions that sites serve."""

from __future__ import annotations

from dataclasses import dataclass

from suanli.domain.checks import latitude_longitude, non_negative, positive, require, unique
from suanli.domain.gpu import Fabric


@dataclass(frozen=True, slots=True)
class GpuPool:
    """Identical nodes of one GPU model on one fabric, rented at a reserve price."""

    id: str
    gpu_model: str
    nodes: int
    gpus_per_node: int
    cpu_milli_per_node: int
    memory_mib_per_node: int
    fabric: Fabric
    reserve_price_yuan_per_gpu_hour: float

    def __post_init__(self) -> None:
        require(bool(self.id), "pool id must not be empty")
        positive("nodes", self.nodes)
        positive("gpus_per_node", self.gpus_per_node)
        positive("cpu_milli_per_node", self.cpu_milli_per_node)
        positive("memory_mib_per_node", self.memory_mib_per_node)
        non_negative("reserve_price_yuan_per_gpu_hour", self.reserve_price_yuan_per_gpu_hour)

    @property
    def gpus(self) -> int:
        return self.nodes * self.gpus_per_node


@dataclass(frozen=True, slots=True)
class Site:
    """A data center: a national-hub cluster or a metro edge site, with its pools."""

    id: str
    name: str
    city: str
    lat: float
    lon: float
    pools: tuple[GpuPool, ...]
    egress_gbps: float
    electricity_yuan_per_kwh: float
    pue: float
    hub: str = ""
    cluster: str = ""

    def __post_init__(self) -> None:
        require(bool(self.id), "site id must not be empty")
        latitude_longitude(self.lat, self.lon)
        positive("egress_gbps", self.egress_gbps)
        non_negative("electricity_yuan_per_kwh", self.electricity_yuan_per_kwh)
        require(self.pue >= 1.0, f"pue must be >= 1.0, got {self.pue}")
        unique("pool", (p.id for p in self.pools))

    @property
    def gpus(self) -> int:
        return sum(p.gpus for p in self.pools)

    @property
    def is_hub(self) -> bool:
        """True for a national-hub cluster site, False for a metro edge site."""
        return bool(self.hub)


@dataclass(frozen=True, slots=True)
class Region:
    """A demand region (a city): where users and data are."""

    id: str
    name: str
    lat: float
    lon: float
    demand_weight: float = 1.0

    def __post_init__(self) -> None:
        require(bool(self.id), "region id must not be empty")
        latitude_longitude(self.lat, self.lon)
        non_negative("demand_weight", self.demand_weight)
