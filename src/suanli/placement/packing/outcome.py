"""What a policy returns for one pod, and the only two functions that change capacity.

`commit(snapshot, decision)` takes the pod's resources from its node and GPUs, `release` gives them
back; both re-check capacity (a decision made on an older snapshot may no longer fit) and return a
new `Snapshot` whose `parent` is the old one's token and whose `changed` is the decision's node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.errors import InvalidValueError
from suanli.placement.packing.snapshot import IntArray, Snapshot
from suanli.units import MILLI


@dataclass(frozen=True, slots=True)
class Decision:
    """Pod `pod_id` runs on node `node`, using `gpu_milli` of each GPU in `gpus`.

    `score` is the policy's score of this choice (lower is better; for fgd the increase in the
    node's expected fragmentation in milli-GPU, plus a tie-break below 1 / Σ count of the mix).
    """

    pod_id: str
    node: int
    gpus: tuple[int, ...]
    gpu_milli: int
    cpu_milli: int
    memory_mib: int
    score: float = 0.0

    @property
    def total_gpu_milli(self) -> int:
        return len(self.gpus) * self.gpu_milli


@dataclass(frozen=True, slots=True)
class NoFit:
    """Pod `pod_id` fits on no node; `reason` says which constraint nothing satisfies."""

    pod_id: str
    reason: str


Outcome = Decision | NoFit


def commit(snapshot: Snapshot, decision: Decision) -> Snapshot:
    """The snapshot after `decision`'s pod starts; `InvalidValueError` if it no longer fits."""
    return _apply(snapshot, decision, sign=-1)


def release(snapshot: Snapshot, decision: Decision) -> Snapshot:
    """The snapshot after `decision`'s pod ends; raises `InvalidValueError` if it was not there."""
    return _apply(snapshot, decision, sign=+1)


def _apply(snapshot: Snapshot, d: Decision, sign: int) -> Snapshot:
    nodes, i = snapshot.nodes, d.node
    if not 0 <= i < nodes.size:
        raise InvalidValueError(f"pod {d.pod_id!r}: no node {i} in a cluster of {nodes.size}")
    name = nodes.names[i]
    cpu = _changed(
        snapshot.cpu_free, i, sign * d.cpu_milli, int(nodes.cpu_capacity[i]), f"{name} milli-CPU"
    )
    memory = _changed(
        snapshot.memory_free, i, sign * d.memory_mib, int(nodes.memory_capacity[i]), f"{name} MiB"
    )
    gpu_free = snapshot.gpu_free.copy()
    for g in d.gpus:
        _check_gpu(snapshot, d, g)
        gpu_free[i, g] += sign * d.gpu_milli
        if not 0 <= gpu_free[i, g] <= MILLI:
            raise InvalidValueError(
                f"pod {d.pod_id!r}: GPU {g} of node {nodes.names[i]} would have "
                f"{gpu_free[i, g]} milli-GPU free; re-place the pod on a fresh snapshot"
            )
    gpu_free.flags.writeable = False
    kinds, kind_pods = _counted(snapshot, d, sign)
    return Snapshot(
        nodes=nodes,
        cpu_free=cpu,
        memory_free=memory,
        gpu_free=gpu_free,
        kinds=kinds,
        kind_pods=kind_pods,
        parent=snapshot.token,
        changed=(i,),
    )


def _changed(free: IntArray, i: int, delta: int, capacity: int, what: str) -> IntArray:
    """`free` with `delta` added at node i, which must stay within 0..capacity."""
    value = int(free[i]) + delta
    if not 0 <= value <= capacity:
        raise InvalidValueError(
            f"node {what}: {value} free of {capacity} after the change; "
            "re-place the pod on a fresh snapshot"
        )
    out = free.copy()
    out[i] = value
    out.flags.writeable = False
    return out


def _check_gpu(snapshot: Snapshot, d: Decision, g: int) -> None:
    if not 0 <= g < int(snapshot.nodes.gpu_count[d.node]) or d.gpus.count(g) > 1:
        raise InvalidValueError(
            f"pod {d.pod_id!r}: GPU {g} is not a distinct GPU of node "
            f"{snapshot.nodes.names[d.node]} (it has {snapshot.nodes.gpu_count[d.node]})"
        )


def _counted(snapshot: Snapshot, d: Decision, sign: int) -> tuple[tuple[int, ...], IntArray]:
    """Kinds and per-node pod counts by kind (the per-GPU request) after the change."""
    if not d.gpus:
        return snapshot.kinds, snapshot.kind_pods
    kinds, counts = snapshot.kinds, snapshot.kind_pods
    if d.gpu_milli not in kinds:
        kinds = (*kinds, d.gpu_milli)
        counts = np.hstack([counts, np.zeros((counts.shape[0], 1), dtype=np.int64)])
    column = kinds.index(d.gpu_milli)
    if counts[d.node, column] - sign < 0:
        raise InvalidValueError(f"pod {d.pod_id!r} is not on node {d.node}; nothing to release")
    counts = counts.copy()
    counts[d.node, column] -= sign
    counts.flags.writeable = False
    return kinds, counts
