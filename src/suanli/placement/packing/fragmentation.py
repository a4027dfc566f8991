"""GPU fragmentation of one node by its definition (FGD, Weng et al., ATC'23), in plain Python.

For a node with free CPU c, free memory r, GPU model μ and free milli-GPU f_1..f_G, and a task
class t = (c_t, r_t, k_t, m_t, A_t):
    runs(t)   = c >= c_t  ∧  r >= r_t  ∧  (A_t = ∅ ∨ μ ∈ A_t)  ∧  #{g : f_g >= m_t} >= k_t
    frag_t    = Σ_g f_g                        if not runs(t)   (no free GPU is usable by t)
              = Σ_g f_g · [f_g < m_t]          otherwise        (GPUs too full for one of t's GPUs)
    frag      = Σ_t w_t · frag_t               (the expected fragment for a task drawn from the mix)
FGD places each task where frag increases least. This module is the oracle that the vectorised
scorer (fgd.py) is tested against and the per-node loop of the baseline (loop.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from suanli.placement.packing.mix import TaskClass, TaskMix
from suanli.placement.packing.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class NodeState:
    """One node's free resources as Python values; `gpu_free` lists only the GPUs it has."""

    cpu_free: int
    memory_free: int
    model: str
    gpu_free: tuple[int, ...]


def node_state(snapshot: Snapshot, i: int) -> NodeState:
    nodes = snapshot.nodes
    model = nodes.models[nodes.node_model[i]] if nodes.node_model[i] >= 0 else ""
    count = int(nodes.gpu_count[i])
    return NodeState(
        int(snapshot.cpu_free[i]),
        int(snapshot.memory_free[i]),
        model,
        tuple(int(f) for f in snapshot.gpu_free[i, :count]),
    )


def class_fragment(node: NodeState, t: TaskClass) -> int:
    """frag_t of the module docstring, in milli-GPU."""
    free = sum(node.gpu_free)
    fitting = [f for f in node.gpu_free if f >= t.gpu_milli]
    runs = (
        node.cpu_free >= t.cpu_milli
        and node.memory_free >= t.memory_mib
        and (not t.allowed_gpu_models or node.model in t.allowed_gpu_models)
        and len(fitting) >= t.num_gpu
    )
    return free - sum(fitting) if runs else free


def counted_fragment(node: NodeState, mix: TaskMix) -> int:
    """Σ_t count_t · frag_t: frag times the mix's total count, an exact integer."""
    return sum(t.count * class_fragment(node, t) for t in mix.classes)


def node_fragment(node: NodeState, mix: TaskMix) -> float:
    """frag = Σ_t w_t · frag_t, in milli-GPU."""
    return counted_fragment(node, mix) / mix.total if mix.total else 0.0
