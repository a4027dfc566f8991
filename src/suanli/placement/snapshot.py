"""The snapshot placement decides on: free GPUs and prices of every pool at one moment.

Arrays are indexed by pool in the network's file order and are read-only, so that every filter
and score is one NumPy expression over all pools (STYLE.md rule 9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from suanli.catalog.gpus import decode_h100_equivalent, gpu_model
from suanli.domain import GpuModel, GpuPool, Network, Site
from suanli.errors import InvalidValueError, UnknownNameError
from suanli.placement.costs import Floats, Ints


def _ints(values: list[int]) -> Ints:
    array = np.array(values, dtype=np.int64)
    array.flags.writeable = False
    return array


def _floats(values: list[float]) -> Floats:
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """Free capacity and prices per pool; build it with `Snapshot.of`."""

    network: Network
    pools: tuple[GpuPool, ...]
    sites: tuple[Site, ...]
    site_index: Ints
    models: tuple[GpuModel, ...]
    free_gpus: Ints
    price: Floats
    gpus_per_node: Ints
    tflops: Floats
    memory_gb: Floats
    bandwidth_tb_s: Floats
    decode_equivalent: Floats  # H100s one GPU is worth for decode (`decode_h100_equivalent`)
    egress_gbps: Floats

    @classmethod
    def of(
        cls,
        network: Network,
        *,
        used_gpus: Mapping[str, int] | None = None,
        prices: Mapping[str, float] | None = None,
    ) -> Snapshot:
        """Every pool of `network`; free = pool GPUs − `used_gpus[pool]` (default 0), price =
        `prices[pool]` (default the pool's reserve price)."""
        pairs = network.pools()
        used, price = _checked(network, used_gpus or {}, prices or {})
        models = tuple(gpu_model(p.gpu_model) for _, p in pairs)
        site_of = {s.id: i for i, s in enumerate(network.sites)}
        return cls(
            network=network,
            pools=tuple(p for _, p in pairs),
            sites=tuple(s for s, _ in pairs),
            site_index=_ints([site_of[s.id] for s, _ in pairs]),
            models=models,
            free_gpus=_ints([p.gpus - used.get(p.id, 0) for _, p in pairs]),
            price=_floats([price.get(p.id, p.reserve_price_yuan_per_gpu_hour) for _, p in pairs]),
            gpus_per_node=_ints([p.gpus_per_node for _, p in pairs]),
            tflops=_floats([m.tflops_bf16_dense for m in models]),
            memory_gb=_floats([m.memory_gb for m in models]),
            bandwidth_tb_s=_floats([m.memory_bandwidth_tb_s for m in models]),
            decode_equivalent=_floats([decode_h100_equivalent(m.name) for m in models]),
            egress_gbps=_floats([s.egress_gbps for s, _ in pairs]),
        )

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.models)

    def pool_index(self, pool_id: str) -> int:
        for i, p in enumerate(self.pools):
            if p.id == pool_id:
                return i
        raise UnknownNameError("pool", pool_id, [p.id for p in self.pools])


def _checked(
    network: Network, used: Mapping[str, int], prices: Mapping[str, float]
) -> tuple[Mapping[str, int], Mapping[str, float]]:
    """`used` and `prices` name known pools, and hold 0 <= used <= pool GPUs, price >= 0."""
    pools = {p.id: p for _, p in network.pools()}
    for pool_id in (*used, *prices):
        if pool_id not in pools:
            raise UnknownNameError("pool", pool_id, list(pools))
    for pool_id, n in used.items():
        if not 0 <= n <= pools[pool_id].gpus:
            raise InvalidValueError(
                f"pool {pool_id} has {pools[pool_id].gpus} GPUs, so used GPUs must be within "
                f"0..{pools[pool_id].gpus}, got {n}"
            )
    for pool_id, yuan in prices.items():
        if not yuan >= 0:
            raise InvalidValueError(f"price of pool {pool_id} must be >= 0, got {yuan}")
    return used, prices
