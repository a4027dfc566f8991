"""The network on the exchange: demand regions, suppliers' sites and their GPU pools.

`pools.reserved_gpus` counts the GPUs held by active reservations; a CHECK keeps it within
0..nodes × gpus_per_node, so even a wrong write cannot oversell a pool.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from suanli.store.tables.base import Base


class NetworkRow(Base):
    """The one row of network-wide settings (name, latency model)."""

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    route_factor: Mapped[float] = mapped_column(Float)
    overhead_ms: Mapped[float] = mapped_column(Float)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every change to regions, sites or pools, so readers can cache the network."""


class RegionRow(Base):
    __tablename__ = "regions"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    demand_weight: Mapped[float] = mapped_column(Float)


class SiteRow(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    egress_gbps: Mapped[float] = mapped_column(Float)
    electricity_yuan_per_kwh: Mapped[float] = mapped_column(Float)
    pue: Mapped[float] = mapped_column(Float)
    hub: Mapped[str] = mapped_column(String(200))
    cluster: Mapped[str] = mapped_column(String(200))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class PoolRow(Base):
    __tablename__ = "pools"
    __table_args__ = (
        CheckConstraint(
            "reserved_gpus >= 0 AND reserved_gpus <= nodes * gpus_per_node", name="capacity"
        ),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    gpu_model: Mapped[str] = mapped_column(String(50))
    nodes: Mapped[int] = mapped_column(Integer)
    gpus_per_node: Mapped[int] = mapped_column(Integer)
    cpu_milli_per_node: Mapped[int] = mapped_column(Integer)
    memory_mib_per_node: Mapped[int] = mapped_column(Integer)
    fabric: Mapped[str] = mapped_column(String(16))
    reserve_price_yuan_per_gpu_hour: Mapped[float] = mapped_column(Float)
    reserved_gpus: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class RttOverrideRow(Base):
    __tablename__ = "rtt_overrides"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    region_id: Mapped[str] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    rtt_ms: Mapped[float] = mapped_column(Float)
