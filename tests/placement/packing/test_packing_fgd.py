"""FGD on tiny cases where the right answer is obvious, and against its definition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from packing_cases import openb_nodes, pods

from suanli.domain import Pod
from suanli.errors import InvalidValueError
from suanli.placement.packing import (
    Decision,
    Snapshot,
    TaskMix,
    commit,
    fragmentation,
    make_policy,
    snapshot_from_openb,
    task_mix,
)
from suanli.placement.packing.fgd import FgdScorer
from suanli.placement.packing.fragmentation import node_fragment
from suanli.placement.packing.loop import LoopFgd, node_states
from suanli.placement.packing.policy import Policy
from suanli.traces import OpenbNode

WHOLE = Pod("whole", 1000, 1024, 1, 1000)
HALF = Pod("half", 1000, 1024, 1, 500)


def cluster(*nodes: tuple[int, int, int]) -> Snapshot:
    """Nodes of (cpu_milli, gpus, model T4), 64 GiB each."""
    return snapshot_from_openb(
        [OpenbNode(f"n{i}", cpu, 65536, gpus, "T4") for i, (cpu, gpus, _) in enumerate(nodes)]
    )


def fgd(*mix: Pod) -> Policy:
    return make_policy("fgd", workload=list(mix))


def taken(snapshot: Snapshot, node: int, gpu: int, milli: int) -> Snapshot:
    pod = Pod(f"used-{node}-{gpu}-{milli}", 0, 0, 1, milli)
    return commit(snapshot, Decision(pod.id, node, (gpu,), milli, 0, 0))


def test_half_gpu_pod_fills_the_half_used_gpu_when_the_mix_wants_whole_gpus():
    snapshot = taken(cluster((8000, 2, 0)), node=0, gpu=1, milli=500)
    decision = fgd(WHOLE).place(snapshot, HALF)
    assert isinstance(decision, Decision) and decision.gpus == (1,)
    assert decision.score == pytest.approx(-500, abs=1)  # its own 500; the fragment did not grow


def test_half_gpu_pod_prefers_the_half_used_node_to_breaking_a_fresh_one():
    snapshot = taken(cluster((8000, 1, 0), (8000, 1, 0)), node=1, gpu=0, milli=500)
    decision = fgd(WHOLE).place(snapshot, HALF)
    assert isinstance(decision, Decision) and (decision.node, decision.gpus) == (1, (0,))


def test_fgd_keeps_room_for_the_mix_instead_of_blind_best_fit():
    # GPU 0 has 600 free: a 300 pod there leaves 300, too little for the half-GPU tasks.
    snapshot = taken(cluster((8000, 2, 0)), node=0, gpu=0, milli=400)
    decision = fgd(HALF).place(snapshot, Pod("p", 1000, 1024, 1, 300))
    assert isinstance(decision, Decision) and decision.gpus == (1,)
    best_fit = make_policy("bestfit").place(snapshot, Pod("p", 1000, 1024, 1, 300))
    assert isinstance(best_fit, Decision) and best_fit.gpus == (0,)


def test_a_cpu_pod_does_not_strand_a_nodes_free_gpus():
    # On node 0 the CPU pod would leave 1000 milli-CPU: too little for a task of the mix.
    snapshot = cluster((4000, 1, 0), (8000, 1, 0))
    mix = Pod("gpu-task", 2000, 1024, 1, 1000)
    decision = fgd(mix).place(snapshot, Pod("cpu", 3000, 1024, 0, 0))
    assert isinstance(decision, Decision) and decision.node == 1
    assert make_policy("firstfit").place(snapshot, Pod("cpu", 3000, 1024, 0, 0)).node == 0


def test_two_gpu_pod_keeps_a_four_gpu_node_whole_for_four_gpu_tasks():
    snapshot = cluster((8000, 4, 0), (8000, 2, 0))
    decision = fgd(Pod("four", 1000, 1024, 4, 1000)).place(snapshot, Pod("two", 0, 0, 2, 1000))
    assert isinstance(decision, Decision) and (decision.node, decision.gpus) == (1, (0, 1))
    assert decision.score == pytest.approx(-2000, abs=1)  # node 1's 2000 stranded milli are gone


def test_fgd_needs_gpu_pods_in_its_workload():
    with pytest.raises(InvalidValueError, match="workload"):
        make_policy("fgd", workload=[Pod("cpu", 1000, 1024, 0, 0)])


def test_task_mix_keeps_popular_classes_and_counts_them():
    work = [HALF] * 6 + [WHOLE] * 3 + [Pod("rare", 1, 1, 1, 100)] + [Pod("cpu", 1, 1, 0, 0)] * 9
    mix = task_mix(work, coverage=0.9)
    assert [(t.gpu_milli, t.count) for t in mix.classes] == [(500, 6), (1000, 3)]
    assert mix.total == 9 and mix.weight(mix.classes[0]) == pytest.approx(2 / 3)
    assert task_mix([Pod("a", 1, 1, 1, 9, ("B", "A"))]).classes[0].allowed_gpu_models == (
        "A",
        "B",
    )


@settings(max_examples=60, deadline=None)
@given(cluster=openb_nodes(), work=pods())
def test_vectorised_fragmentation_is_the_definition(cluster, work):
    mix = task_mix([*work, HALF])
    snapshot = snapshot_from_openb(cluster)
    for pod in work:
        outcome = make_policy("firstfit").place(snapshot, pod)
        if isinstance(outcome, Decision):
            snapshot = commit(snapshot, outcome)
    expected = [node_fragment(node, mix) for node in node_states(snapshot)]
    assert fragmentation(snapshot, mix) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(cluster=openb_nodes(max_nodes=6), work=pods(max_pods=25))
def test_vectorised_fgd_decides_exactly_as_the_loop_over_nodes(cluster, work):
    mix = task_mix([*work, HALF])
    fast, slow = FgdScorer(mix), LoopFgd(mix)
    policy = Policy("fgd", fast)
    snapshot = snapshot_from_openb(cluster)
    for pod in work:
        outcome = policy.place(snapshot, pod)
        assert outcome == slow.place(snapshot, pod)
        if isinstance(outcome, Decision):
            snapshot = commit(snapshot, outcome)


def test_cached_terms_follow_any_snapshot():
    mix: TaskMix = task_mix([HALF, WHOLE])
    policy = Policy("fgd", FgdScorer(mix))
    empty = cluster((8000, 2, 0), (8000, 2, 0))
    busy = taken(taken(empty, 0, 0, 700), 1, 1, 200)
    for snapshot in (busy, empty, busy, taken(busy, 0, 1, 100)):
        assert policy.place(snapshot, HALF) == LoopFgd(mix).place(snapshot, HALF)
    assert np.isfinite(fragmentation(busy, mix)).all()
