"""Small random clusters and pod lists for the packing tests, and a brute-force fit check."""

from __future__ import annotations

from hypothesis import strategies as st

from suanli.domain import Pod
from suanli.placement.packing import Snapshot
from suanli.traces import OpenbNode

MODELS = ("A", "B")


@st.composite
def openb_nodes(draw: st.DrawFn, max_nodes: int = 5) -> list[OpenbNode]:
    count = draw(st.integers(1, max_nodes))
    nodes = []
    for i in range(count):
        model = draw(st.sampled_from(("", *MODELS)))
        gpus = draw(st.integers(1, 8)) if model else 0
        cpu = draw(st.integers(1, 16)) * 1000
        memory = draw(st.integers(1, 16)) * 4096
        nodes.append(OpenbNode(f"n{i}", cpu, memory, gpus, model))
    return nodes


@st.composite
def pods(draw: st.DrawFn, max_pods: int = 20) -> list[Pod]:
    count = draw(st.integers(1, max_pods))
    out = []
    for i in range(count):
        num_gpu = draw(st.sampled_from((0, 1, 1, 1, 1, 2, 4, 8)))
        milli = draw(st.sampled_from((100, 250, 300, 500, 600, 1000))) if num_gpu == 1 else 1000
        allowed = draw(st.sampled_from(((), (), ("A",), ("B",), ("A", "B"), ("C",))))
        out.append(
            Pod(
                id=f"p{i}",
                cpu_milli=draw(st.integers(0, 8)) * 500,
                memory_mib=draw(st.integers(0, 8)) * 2048,
                num_gpu=num_gpu,
                gpu_milli=milli if num_gpu else 0,
                allowed_gpu_models=allowed if num_gpu else (),
            )
        )
    return out


def fits_somewhere(snapshot: Snapshot, pod: Pod) -> bool:
    """The hard constraints, checked node by node in plain Python (independent of fit.py)."""
    nodes = snapshot.nodes
    for i in range(nodes.size):
        model = nodes.models[nodes.node_model[i]] if nodes.node_model[i] >= 0 else None
        if snapshot.cpu_free[i] < pod.cpu_milli or snapshot.memory_free[i] < pod.memory_mib:
            continue
        if pod.num_gpu == 0:
            return True
        if model is None or (pod.allowed_gpu_models and model not in pod.allowed_gpu_models):
            continue
        free = [int(f) for f in snapshot.gpu_free[i, : nodes.gpu_count[i]]]
        if sum(f >= pod.gpu_milli for f in free) >= pod.num_gpu:
            return True
    return False
