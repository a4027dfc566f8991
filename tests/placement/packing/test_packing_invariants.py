"""Hypothesis invariants of every policy: capacity, whole GPUs, models, honest "no fit", seeds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packing_cases import fits_somewhere, openb_nodes, pods

from suanli.domain import Pod
from suanli.placement.packing import (
    POLICIES,
    Decision,
    NoFit,
    Snapshot,
    commit,
    make_policy,
    release,
    snapshot_from_openb,
)
from suanli.units import MILLI

MIX_POD = Pod("mix", 1000, 1024, 1, 500)  # so that fgd always has a GPU task mix


def run(name: str, seed: int, snapshot: Snapshot, work: list[Pod]) -> list[tuple]:
    policy = make_policy(name, rng=np.random.default_rng(seed), workload=[*work, MIX_POD])
    trail = []
    for pod in work:
        outcome = policy.place(snapshot, pod)
        after = commit(snapshot, outcome) if isinstance(outcome, Decision) else snapshot
        trail.append((pod, snapshot, outcome, after))
        snapshot = after
    return trail


def check_capacity(s: Snapshot) -> None:
    nodes = s.nodes
    assert (s.cpu_free >= 0).all() and (s.cpu_free <= nodes.cpu_capacity).all()
    assert (s.memory_free >= 0).all() and (s.memory_free <= nodes.memory_capacity).all()
    exists = np.arange(nodes.width)[None, :] < nodes.gpu_count[:, None]
    assert ((s.gpu_free >= 0) & (s.gpu_free <= MILLI))[exists].all()
    assert (s.gpu_free[~exists] == -1).all()


def check_decision(before: Snapshot, pod: Pod, d: Decision) -> None:
    nodes = before.nodes
    assert len(d.gpus) == len(set(d.gpus)) == pod.num_gpu
    assert all(0 <= g < nodes.gpu_count[d.node] for g in d.gpus)
    if pod.num_gpu > 1 or pod.gpu_milli == MILLI:
        assert all(before.gpu_free[d.node, g] == MILLI for g in d.gpus)  # whole free GPUs
    if pod.num_gpu and pod.allowed_gpu_models:
        assert nodes.models[nodes.node_model[d.node]] in pod.allowed_gpu_models
    assert (d.cpu_milli, d.memory_mib, d.gpu_milli) == (
        pod.cpu_milli,
        pod.memory_mib,
        pod.gpu_milli,
    )


@pytest.mark.parametrize("name", sorted(POLICIES))
@settings(max_examples=30, deadline=None)
@given(cluster=openb_nodes(), work=pods(), seed=st.integers(0, 2**16))
def test_every_policy_keeps_the_hard_constraints(name, cluster, work, seed):
    start = snapshot_from_openb(cluster)
    trail = run(name, seed, start, work)
    for pod, before, outcome, after in trail:
        check_capacity(after)
        if isinstance(outcome, Decision):
            check_decision(before, pod, outcome)
        else:
            assert isinstance(outcome, NoFit) and outcome.reason.startswith("no node has")
            assert not fits_somewhere(before, pod)
    assert [o for _, _, o, _ in run(name, seed, start, work)] == [o for _, _, o, _ in trail]


@pytest.mark.parametrize("name", sorted(POLICIES))
@settings(max_examples=10, deadline=None)
@given(cluster=openb_nodes(), work=pods(), seed=st.integers(0, 2**16))
def test_releasing_everything_restores_the_empty_cluster(name, cluster, work, seed):
    start = snapshot_from_openb(cluster)
    trail = run(name, seed, start, work)
    snapshot = trail[-1][3]
    for _, _, outcome, _ in reversed(trail):
        if isinstance(outcome, Decision):
            snapshot = release(snapshot, outcome)
    for field in ("cpu_free", "memory_free", "gpu_free"):
        assert (getattr(snapshot, field) == getattr(start, field)).all()
    assert not snapshot.kind_pods.any()
