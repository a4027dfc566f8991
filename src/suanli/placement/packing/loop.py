"""The slow path: fgd and bestfit decided by a plain Python loop over nodes.

The benchmark's baseline (bench/packing.py) and the tests' oracle: for every node, check the
hard constraints, try every way the pod can take GPUs there, score it by the definition
(fragmentation.py for fgd), keep the least score (ties: lowest node, then lowest GPU).
Same interface and, for fgd, the same decisions as the vectorised policies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from suanli.domain import Pod
from suanli.placement.packing.fit import shares_gpu, why_not
from suanli.placement.packing.fragmentation import NodeState, counted_fragment
from suanli.placement.packing.mix import TaskMix
from suanli.placement.packing.outcome import Decision, NoFit, Outcome
from suanli.placement.packing.snapshot import Snapshot
from suanli.units import MILLI

Score = tuple[float, int, tuple[int, ...]]


def node_states(snapshot: Snapshot) -> Iterator[NodeState]:
    """Every node as Python values, in index order."""
    nodes = snapshot.nodes
    models = [nodes.models[m] if m >= 0 else "" for m in nodes.node_model.tolist()]
    cpu, memory, free = (
        snapshot.cpu_free.tolist(),
        snapshot.memory_free.tolist(),
        snapshot.gpu_free.tolist(),
    )
    for i, count in enumerate(nodes.gpu_count.tolist()):
        yield NodeState(cpu[i], memory[i], models[i], tuple(free[i][:count]))


def gpu_choices(node: NodeState, pod: Pod) -> list[tuple[int, ...]]:
    """Every way `pod` can take GPUs on `node` ([] when it does not fit there)."""
    if node.cpu_free < pod.cpu_milli or node.memory_free < pod.memory_mib:
        return []
    if pod.num_gpu == 0:
        return [()]
    if pod.allowed_gpu_models and node.model not in pod.allowed_gpu_models:
        return []
    fitting = [g for g, f in enumerate(node.gpu_free) if f >= pod.gpu_milli]
    if len(fitting) < pod.num_gpu:
        return []
    return [(g,) for g in fitting] if shares_gpu(pod) else [tuple(fitting[: pod.num_gpu])]


def taken(node: NodeState, pod: Pod, gpus: tuple[int, ...]) -> NodeState:
    """`node` after `pod` takes `gpus`."""
    free = tuple(f - pod.gpu_milli if g in gpus else f for g, f in enumerate(node.gpu_free))
    cpu, memory = node.cpu_free - pod.cpu_milli, node.memory_free - pod.memory_mib
    return replace(node, cpu_free=cpu, memory_free=memory, gpu_free=free)


def decision(snapshot: Snapshot, pod: Pod, best: Score | None) -> Outcome:
    if best is None:
        return NoFit(pod.id, why_not(snapshot, pod))
    score, node, gpus = best
    return Decision(pod.id, node, gpus, pod.gpu_milli, pod.cpu_milli, pod.memory_mib, score)


@dataclass(frozen=True, slots=True)
class LoopFgd:
    """FGD by the definition: Δ = Σ_t count_t (frag_t(after) − frag_t(before)) / Σ count,
    ties to the fuller node (the free GPU share, in [0, 1), added to the integer numerator)."""

    mix: TaskMix

    def place(self, snapshot: Snapshot, pod: Pod) -> Outcome:
        best: Score | None = None
        total = max(self.mix.total, 1)
        for i, node in enumerate(node_states(snapshot)):
            choices = gpu_choices(node, pod)
            if not choices:
                continue
            before = counted_fragment(node, self.mix)
            fuller = sum(node.gpu_free) / (snapshot.nodes.width * MILLI + 1.0)
            for gpus in choices:
                after = counted_fragment(taken(node, pod, gpus), self.mix)
                delta = (after - before + fuller) / total
                if best is None or delta < best[0]:
                    best = (delta, i, gpus)
        return decision(snapshot, pod, best)


@dataclass(frozen=True, slots=True)
class LoopBestFit:
    """Best fit by the definition: Σ_r (free_r − d_r) / max_r, then the tightest GPU."""

    def place(self, snapshot: Snapshot, pod: Pod) -> Outcome:
        nodes = snapshot.nodes
        max_cpu, max_memory = int(nodes.cpu_capacity.max()), int(nodes.memory_capacity.max())
        max_gpu = max(1, MILLI * int(nodes.gpu_count.max()))
        best: Score | None = None
        for i, node in enumerate(node_states(snapshot)):
            choices = gpu_choices(node, pod)
            if not choices:
                continue
            left_gpu = sum(max(f, 0) for f in node.gpu_free) - pod.total_gpu_milli
            score = (
                (node.cpu_free - pod.cpu_milli) / max(max_cpu, 1)
                + (node.memory_free - pod.memory_mib) / max(max_memory, 1)
                + left_gpu / max_gpu
            )
            gpus = min(choices, key=lambda c: sum(node.gpu_free[g] for g in c))
            if best is None or score < best[0]:
                best = (score, i, gpus)
        return decision(snapshot, pod, best)
