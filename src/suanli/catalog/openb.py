"""The `openb` preset: the openb trace's GPU nodes as a one-site network.

Nodes with the same (model, GPUs, CPU, memory) become one pool. The cluster's location was not
published; Hangzhou, Alibaba's home, is an assumption. CPU-only nodes hold no GPU pool and are
counted, not kept. A pool of 8-GPU nodes of an NVLink model is on NVLink, others on PCIe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from suanli.catalog.china import slug
from suanli.catalog.gpus import canonical_gpu_name, gpu_model
from suanli.catalog.places import demand_regions, power, rents
from suanli.domain import Fabric, GpuPool, Network, Site
from suanli.traces import OpenbNode

OPENB_CITY = "Hangzhou"
OPENB_SITE_EGRESS_GBPS = 100.0


@dataclass(frozen=True, slots=True)
class OpenbNetwork:
    """The network and how many CPU-only nodes were left out of it."""

    network: Network
    cpu_only_nodes: int


def _fabric(model: str, gpus: int) -> Fabric:
    return Fabric.NVLINK if gpus == 8 and gpu_model(model).nvlink_gb_s > 0 else Fabric.PCIE


def _pools(nodes: Sequence[OpenbNode]) -> tuple[GpuPool, ...]:
    groups: dict[tuple[str, int, int, int], int] = {}
    for n in nodes:
        key = (canonical_gpu_name(n.model), n.gpus, n.cpu_milli, n.memory_mib)
        groups[key] = groups.get(key, 0) + 1
    return tuple(
        GpuPool(
            id=f"openb-{slug(model)}-{gpus}g-{i}",
            gpu_model=model,
            nodes=count,
            gpus_per_node=gpus,
            cpu_milli_per_node=cpu,
            memory_mib_per_node=memory,
            fabric=_fabric(model, gpus),
            reserve_price_yuan_per_gpu_hour=rents()[model],
        )
        for i, ((model, gpus, cpu, memory), count) in enumerate(groups.items())
    )


def build_openb_network(nodes: Sequence[OpenbNode]) -> OpenbNetwork:
    """One site holding every GPU node of an openb node list."""
    gpu_nodes = [n for n in nodes if n.gpus > 0 and n.model]
    city = next(r for r in demand_regions() if r.name == OPENB_CITY)
    where = power(OPENB_CITY)
    site = Site(
        id="openb",
        name="Alibaba openb GPU cluster (location assumed)",
        city=OPENB_CITY,
        lat=city.lat,
        lon=city.lon,
        pools=_pools(gpu_nodes),
        egress_gbps=OPENB_SITE_EGRESS_GBPS,
        electricity_yuan_per_kwh=where.electricity_yuan_per_kwh,
        pue=where.pue,
    )
    network = Network(name="openb", sites=(site,), regions=demand_regions())
    return OpenbNetwork(network, cpu_only_nodes=len(nodes) - len(gpu_nodes))
