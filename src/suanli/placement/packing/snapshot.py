"""A cluster's nodes as NumPy arrays: what never changes (`Nodes`) and what is free (`Snapshot`).

Node i has `gpu_count[i]` GPUs of model `models[node_model[i]]` (`node_model` is -1 for a node
without GPUs). `Snapshot.gpu_free[i, g]` is the free milli-GPU of GPU g on node i, 0..1000, and
`ABSENT` (-1) for slots g >= gpu_count[i], so that `gpu_free >= m` never selects a missing GPU.
Policies read snapshots and never change them: `commit` and `release` (outcome.py) return new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from suanli.domain import GpuPool
from suanli.traces import OpenbNode
from suanli.units import MILLI

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

ABSENT = -1
"""`gpu_free` of a GPU slot that the node does not have."""

LANES = 8
"""GPU slots per 64-bit word of a boolean row (see `count_per_row`)."""


def frozen(values: npt.ArrayLike) -> IntArray:
    """A read-only int64 copy: snapshots share arrays, so nobody may write into one."""
    array: IntArray = np.array(values, dtype=np.int64)
    array.flags.writeable = False
    return array


def count_per_row(mask: BoolArray) -> IntArray:
    """True values per row of a C-contiguous (rows, 8·w) boolean array, 8 at a time: each
    8-byte word holds 0/1 bytes, and multiplying by 0x0101...01 sums them into the top byte."""
    words = np.ascontiguousarray(mask).view(np.uint64)
    counts: IntArray = ((words * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)
    return counts.sum(axis=1) if counts.shape[1] > 1 else counts[:, 0]


@dataclass(frozen=True, slots=True, eq=False)
class Nodes:
    """The fixed part of a cluster: names, GPU models and capacities, one entry per node."""

    names: tuple[str, ...]
    models: tuple[str, ...]
    node_model: IntArray
    gpu_count: IntArray
    cpu_capacity: IntArray
    memory_capacity: IntArray
    _masks: dict[tuple[bool, tuple[str, ...]], BoolArray] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def width(self) -> int:
        """GPU slots per node in `gpu_free`: the most GPUs any node has, rounded up to a
        multiple of 8 so that a row of 8 booleans can be read as one 64-bit word."""
        return LANES * max(1, -(-int(self.gpu_count.max(initial=0)) // LANES))

    def allowed(self, models: tuple[str, ...], *, needs_gpu: bool) -> BoolArray:
        """Nodes whose GPU model is in `models` (any model when empty); memoised per request.

        A pod that needs no GPU may use every node, a GPU node or not.
        """
        key = (needs_gpu, models)
        if key not in self._masks:
            ok = [not models or name in models for name in self.models]
            table = np.array([*ok, not needs_gpu], dtype=np.bool_)  # last entry: index -1
            mask = table[self.node_model]
            mask.flags.writeable = False
            self._masks[key] = mask
        return self._masks[key]


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """Free capacity of every node at one moment; `token` names this moment.

    `parent` is the token of the snapshot this one was derived from and `changed` lists the nodes
    that differ from it, so that a policy may update cached per-node terms instead of rebuilding.
    `kinds` are the per-GPU requests (gpu_milli) seen so far and `kind_pods[i, j]` counts the GPU
    pods of kind `kinds[j]` on node i (for the clustering policy).
    """

    nodes: Nodes
    cpu_free: IntArray
    memory_free: IntArray
    gpu_free: IntArray
    kinds: tuple[int, ...] = ()
    kind_pods: IntArray = field(default_factory=lambda: frozen(np.zeros((0, 0))))
    token: object = field(default_factory=object)
    parent: object | None = None
    changed: tuple[int, ...] = ()

    def free_gpu_milli(self) -> IntArray:
        """Free milli-GPU per node: Σ_g max(gpu_free[i, g], 0)."""
        free: IntArray = np.maximum(self.gpu_free, 0).sum(axis=1)
        return free

    def gpu_capacity_milli(self) -> int:
        """The cluster's whole GPU capacity in milli-GPU: 1000 × Σ gpu_count."""
        return MILLI * int(self.nodes.gpu_count.sum())


def empty_snapshot(nodes: Nodes) -> Snapshot:
    """Every node entirely free."""
    slots = np.arange(nodes.width)
    gpu_free = np.where(slots[None, :] < nodes.gpu_count[:, None], MILLI, ABSENT)
    return Snapshot(
        nodes=nodes,
        cpu_free=nodes.cpu_capacity,
        memory_free=nodes.memory_capacity,
        gpu_free=frozen(gpu_free),
        kind_pods=frozen(np.zeros((nodes.size, 0))),
    )


def build_nodes(rows: Sequence[tuple[str, str, int, int, int]]) -> Nodes:
    """`Nodes` from (name, model, gpus, cpu_milli, memory_mib) rows; model "" means no GPU."""
    models = tuple(sorted({model for _, model, gpus, _, _ in rows if model and gpus > 0}))
    index = {model: i for i, model in enumerate(models)}
    return Nodes(
        names=tuple(row[0] for row in rows),
        models=models,
        node_model=frozen([index.get(m, ABSENT) if g > 0 else ABSENT for _, m, g, _, _ in rows]),
        gpu_count=frozen([row[2] if row[1] else 0 for row in rows]),
        cpu_capacity=frozen([row[3] for row in rows]),
        memory_capacity=frozen([row[4] for row in rows]),
    )


def snapshot_from_openb(nodes: Sequence[OpenbNode]) -> Snapshot:
    """An empty cluster of openb nodes, in file order (CPU-only nodes included)."""
    rows = [(n.name, n.model, n.gpus, n.cpu_milli, n.memory_mib) for n in nodes]
    return empty_snapshot(build_nodes(rows))


def snapshot_from_pools(pools: Sequence[GpuPool]) -> Snapshot:
    """An empty cluster with `pool.nodes` nodes per pool, named `POOL/i`, pool by pool."""
    rows = [
        (f"{p.id}/{i}", p.gpu_model, p.gpus_per_node, p.cpu_milli_per_node, p.memory_mib_per_node)
        for p in pools
        for i in range(p.nodes)
    ]
    return empty_snapshot(build_nodes(rows))
