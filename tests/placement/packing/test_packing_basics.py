"""Snapshots, commit/release, reasons, the registry and what each heuristic prefers."""

from __future__ import annotations

import numpy as np
import pytest

from suanli.domain import Fabric, GpuPool, Pod
from suanli.errors import InvalidValueError, UnknownNameError
from suanli.placement.packing import (
    POLICIES,
    Decision,
    NoFit,
    Policy,
    Snapshot,
    commit,
    inflate,
    make_policy,
    release,
    replay,
    snapshot_from_openb,
    snapshot_from_pools,
)
from suanli.traces import OpenbNode

NODES = [
    OpenbNode("cpu", 32000, 65536, 0, ""),
    OpenbNode("t4", 16000, 65536, 2, "T4"),
    OpenbNode("v100", 64000, 131072, 8, "V100M16"),
]


def pod(num_gpu: int = 1, milli: int = 1000, cpu: int = 1000, models: tuple[str, ...] = ()) -> Pod:
    return Pod(f"p{num_gpu}-{milli}-{cpu}", cpu, 1024, num_gpu, milli if num_gpu else 0, models)


def place(name: str, snapshot: Snapshot, p: Pod) -> Decision:
    outcome = make_policy(name, workload=[pod(1, 500)]).place(snapshot, p)
    assert isinstance(outcome, Decision)
    return outcome


def test_openb_snapshot_masks_missing_gpus_and_is_read_only():
    s = snapshot_from_openb(NODES)
    assert s.nodes.models == ("T4", "V100M16") and s.nodes.width == 8
    assert s.nodes.node_model.tolist() == [-1, 0, 1]
    assert s.gpu_free[0].tolist() == [-1] * 8 and s.gpu_free[1].tolist() == [1000] * 2 + [-1] * 6
    assert s.gpu_capacity_milli() == 10_000
    with pytest.raises(ValueError):
        s.gpu_free[1, 0] = 0


def test_pool_snapshot_has_one_node_per_pool_node():
    pool = GpuPool("h", "H100", 3, 8, 192000, 2097152, Fabric.NVLINK, 12.8)
    s = snapshot_from_pools([pool])
    assert s.nodes.names == ("h/0", "h/1", "h/2") and (s.free_gpu_milli() == 8000).all()


def test_commit_rejects_a_stale_decision_and_release_a_foreign_one():
    s = snapshot_from_openb(NODES)
    d = place("firstfit", s, pod(2))
    after = commit(s, d)
    assert after.parent is s.token and after.changed == (d.node,)
    with pytest.raises(InvalidValueError, match="fresh snapshot"):
        commit(after, d)
    with pytest.raises(InvalidValueError):
        release(s, d)
    with pytest.raises(InvalidValueError, match="distinct GPU"):
        commit(s, Decision("x", 1, (0, 0), 1000, 0, 0))


@pytest.mark.parametrize(
    ("p", "reason"),
    [
        (pod(models=("A100",)), "no node has 1 GPU of A100"),
        (pod(4, models=("T4",)), "no node has 4 GPUs of T4"),
        (pod(cpu=99000), "no node has 1 GPU of any model and 99000 milli-CPU free"),
        (pod(0, cpu=99000), "no node has 99000 milli-CPU free"),
    ],
)
def test_no_fit_names_the_constraint_nothing_meets(p, reason):
    outcome = make_policy("firstfit").place(snapshot_from_openb(NODES), p)
    assert outcome == NoFit(p.id, reason)


def test_no_fit_when_gpus_are_taken_says_so():
    s = snapshot_from_openb(NODES[:2])
    s = commit(s, Decision("x", 1, (0,), 600, 0, 0))
    s = commit(s, Decision("y", 1, (1,), 1000, 0, 0))
    outcome = make_policy("bestfit").place(s, pod(1, 500))
    assert isinstance(outcome, NoFit)
    assert outcome.reason.endswith("and a GPU with 500 milli free")


def test_unknown_policy_lists_the_known_ones():
    with pytest.raises(UnknownNameError) as err:
        make_policy("tetris")
    assert err.value.known == list(POLICIES) and "fgd" in str(err.value)


def test_firstfit_takes_the_first_node_and_gpus():
    s = snapshot_from_openb(NODES)
    assert (place("firstfit", s, pod(0)).node, place("firstfit", s, pod(2)).gpus) == (0, (0, 1))


def test_bestfit_takes_the_fullest_node_and_tightest_gpu():
    s = snapshot_from_openb(NODES)
    s = commit(s, Decision("x", 2, (3,), 300, 0, 0))
    s = commit(s, Decision("y", 2, (5,), 600, 0, 0))
    assert (place("bestfit", s, pod(1, 300)).node, place("bestfit", s, pod(1, 300)).gpus) == (
        1,
        (0,),
    )
    assert place("bestfit", s, pod(1, 300, models=("V100M16",))).gpus == (5,)


def test_packing_shares_a_used_gpu_then_fills_used_nodes():
    s = commit(snapshot_from_openb(NODES), Decision("x", 2, (6,), 200, 0, 0))
    assert place("packing", s, pod(1, 500)).gpus == (6,)
    assert place("packing", s, pod(2)).node == 2  # a used node before the idle T4 node
    assert place("packing", snapshot_from_openb(NODES), pod(1)).node == 1  # smaller idle node
    assert place("packing", s, pod(0)).node == 0  # CPU pods go where no GPU is free


def test_clustering_puts_the_same_kind_together():
    s = snapshot_from_openb(NODES)
    s = commit(s, Decision("x", 2, (0,), 500, 0, 0))
    assert place("clustering", s, pod(1, 500)).node == 2
    assert place("clustering", s, pod(1, 300)).node == 1  # idle before another kind


def test_dotprod_aligns_demand_with_free_resources():
    s = snapshot_from_openb(NODES)
    assert place("dotprod", s, pod(1, cpu=8000)).node == 2


def test_random_is_reproducible_for_a_seed():
    s = snapshot_from_openb(NODES)
    work = [pod(1, 100 * (i % 9 + 1)) for i in range(30)]

    def nodes(seed: int) -> list[int]:
        policy = make_policy("random", rng=np.random.default_rng(seed))
        return [o.node for o in replay(policy, s, work).outcomes if isinstance(o, Decision)]

    assert nodes(1) == nodes(1) and nodes(1) != nodes(2)


def test_inflate_reaches_the_ratio_with_fresh_ids():
    work = [pod(1, 500), pod(2), pod(0)]
    big = inflate(work, capacity_milli=10_000, ratio=1.3, rng=np.random.default_rng(3))
    assert sum(p.total_gpu_milli for p in big) >= 13_000
    assert len({p.id for p in big}) == len(big) and set(work) <= set(big)
    assert big == inflate(work, 10_000, 1.3, np.random.default_rng(3))


def test_replay_reports_allocation_when_requests_arrive():
    s = snapshot_from_openb(NODES[:2])
    work = [pod(1, 500), pod(2), pod(1, 700)]
    result = replay(make_policy("firstfit"), s, work)
    assert [type(o) for o in result.outcomes] == [Decision, NoFit, Decision]
    assert result.allocated_when_arrived(work, 2000) == 500
    assert result.allocated_when_arrived(work, 10**9) == 1200


def test_a_scorer_cannot_break_the_hard_constraints():
    class Hostile:  # scores every option +inf (and would love the CPU-only node for GPU pods)
        def scores(self, c):
            shape = c.snapshot.gpu_free.shape if c.shares_gpu else (c.snapshot.nodes.size,)
            return np.full(shape, np.inf)

    s = snapshot_from_openb(NODES)
    for p in (pod(1, 500), pod(2), pod(0, cpu=40000)):
        outcome = Policy("hostile", Hostile()).place(s, p)
        assert isinstance(outcome, Decision)
        commit(s, outcome)  # raises if the decision broke a constraint
