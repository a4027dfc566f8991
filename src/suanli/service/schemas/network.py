"""Regions, sites and pools as the API returns them (requests use the network file format)."""

from __future__ import annotations

from pydantic import BaseModel

from suanli.store.tables import PoolRow, RegionRow, SiteRow


class RegionPublic(BaseModel):
    id: str
    name: str
    lat: float
    lon: float
    demand_weight: float

    @classmethod
    def of(cls, row: RegionRow) -> RegionPublic:
        return cls(
            id=row.id, name=row.name, lat=row.lat, lon=row.lon, demand_weight=row.demand_weight
        )


class PoolPublic(BaseModel):
    id: str
    site_id: str
    gpu_model: str
    nodes: int
    gpus_per_node: int
    cpu_milli_per_node: int
    memory_mib_per_node: int
    fabric: str
    reserve_price_yuan_per_gpu_hour: float
    gpus: int
    reserved_gpus: int
    free_gpus: int

    @classmethod
    def of(cls, row: PoolRow) -> PoolPublic:
        gpus = row.nodes * row.gpus_per_node
        return cls(
            id=row.id,
            site_id=row.site_id,
            gpu_model=row.gpu_model,
            nodes=row.nodes,
            gpus_per_node=row.gpus_per_node,
            cpu_milli_per_node=row.cpu_milli_per_node,
            memory_mib_per_node=row.memory_mib_per_node,
            fabric=row.fabric,
            reserve_price_yuan_per_gpu_hour=row.reserve_price_yuan_per_gpu_hour,
            gpus=gpus,
            reserved_gpus=row.reserved_gpus,
            free_gpus=gpus - row.reserved_gpus,
        )


class SitePublic(BaseModel):
    id: str
    owner_id: str
    name: str
    city: str
    lat: float
    lon: float
    egress_gbps: float
    electricity_yuan_per_kwh: float
    pue: float
    hub: str
    cluster: str
    pools: list[PoolPublic]

    @classmethod
    def of(cls, row: SiteRow, pools: list[PoolRow]) -> SitePublic:
        return cls(
            id=row.id,
            owner_id=row.owner_id,
            name=row.name,
            city=row.city,
            lat=row.lat,
            lon=row.lon,
            egress_gbps=row.egress_gbps,
            electricity_yuan_per_kwh=row.electricity_yuan_per_kwh,
            pue=row.pue,
            hub=row.hub,
            cluster=row.cluster,
            pools=[PoolPublic.of(p) for p in pools],
        )
