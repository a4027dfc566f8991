"""Benchmark (not a test): node-level packing policies on the openb cluster.

    .venv/bin/python bench/packing.py [--seed 0] [--tune 1.3] [--baseline-seconds 20]

The openb cluster (openb_node_list_all_node.csv, 1,523 nodes) receives the openb default pod
list, inflated with random copies of its own pods until the GPU requested reaches `--tune` times
the cluster's GPU capacity (the FGD paper's method) and shuffled, all with `--seed`. Measured in
this one run:
  1. every policy replays the whole list (each decision committed before the next pod),
     `--repeat` times: pods placed per second of wall time and of this process's CPU time
     (best runs; CPU time discounts other processes on a shared machine), and the share of
     GPU capacity allocated when the arrived GPU requests reach 100 % of capacity and at the end;
  2. the baseline: fgd and bestfit decided by a plain Python loop over nodes (loop.py) on the
     first pods of the same list for about `--baseline-seconds` each, against the vectorised
     policy (after one warm-up call that builds its per-cluster tables) on exactly those pods;
     the ratio is the speedup. The first pods meet an empty cluster, where every node is a
     candidate: the slowest stretch for both.
Traces come from SUANLI_TRACE_DIR (default ../shared/data/traces).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from suanli.domain import Pod
from suanli.placement.packing import (
    POLICIES,
    Decision,
    Snapshot,
    commit,
    inflate,
    make_policy,
    replay,
    snapshot_from_openb,
    task_mix,
)
from suanli.placement.packing.loop import LoopBestFit, LoopFgd
from suanli.traces import load_openb_nodes, load_openb_pods, trace_file

OPENB = "alibaba-openb-gpu-v2023/"


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="inflation, shuffle and random policy")
    parser.add_argument("--tune", type=float, default=1.3, help="GPU requested / capacity")
    parser.add_argument("--baseline-seconds", type=float, default=20.0, help="per loop baseline")
    parser.add_argument("--policies", default=",".join(POLICIES), help="comma-separated names")
    parser.add_argument("--repeat", type=int, default=3, help="replays per policy; best is kept")
    return parser.parse_args(argv)


def load(seed: int, tune: float) -> tuple[Snapshot, list[Pod], list[Pod]]:
    """The empty openb cluster, the default pod list and the inflated, shuffled work."""
    snapshot = snapshot_from_openb(
        load_openb_nodes(trace_file(OPENB + "openb_node_list_all_node.csv"))
    )
    pods = load_openb_pods(trace_file(OPENB + "openb_pod_list_default.csv"))
    work = inflate(pods, snapshot.gpu_capacity_milli(), tune, np.random.default_rng(seed))
    return snapshot, pods, work


def policy_row(
    name: str, seed: int, snapshot: Snapshot, pods: list[Pod], work: list[Pod], repeat: int
) -> dict[str, Any]:
    """Replay `work` with one policy `repeat` times (the same decisions each time): the best
    throughput, since other processes on the machine only ever slow a run down."""
    seconds = cpu_seconds = float("inf")
    for _ in range(max(1, repeat)):
        policy = make_policy(name, rng=np.random.default_rng(seed), workload=pods)
        start, cpu_start = time.perf_counter(), time.process_time()
        result = replay(policy, snapshot, work)
        seconds = min(seconds, time.perf_counter() - start)
        cpu_seconds = min(cpu_seconds, time.process_time() - cpu_start)
    capacity = snapshot.gpu_capacity_milli()
    placed = sum(isinstance(o, Decision) for o in result.outcomes)
    end = sum(o.total_gpu_milli for o in result.outcomes if isinstance(o, Decision))
    return {
        "policy": name,
        "pods_per_s": len(work) / seconds,
        "pods_per_cpu_s": len(work) / cpu_seconds,
        "placed": placed,
        "alloc_at_100": result.allocated_when_arrived(work, capacity) / capacity,
        "alloc_at_end": end / capacity,
    }


def timed_prefix(
    policy: Any, snapshot: Snapshot, work: list[Pod], budget_s: float
) -> tuple[int, float]:
    """Place pods from the start of `work` until `budget_s` has passed: (pods, seconds)."""
    start, count = time.perf_counter(), 0
    for pod in work:
        outcome = policy.place(snapshot, pod)
        if isinstance(outcome, Decision):
            snapshot = commit(snapshot, outcome)
        count += 1
        if time.perf_counter() - start >= budget_s:
            break
    return count, time.perf_counter() - start


def baseline_row(
    name: str, loop: Any, snapshot: Snapshot, pods: list[Pod], work: list[Pod], budget_s: float
) -> dict[str, Any]:
    """The loop over nodes against the vectorised policy, on the same first pods."""
    count, loop_s = timed_prefix(loop, snapshot, work, budget_s)
    fast_s = float("inf")
    for _ in range(3):  # short: the best of three
        fast = make_policy(name, workload=pods)
        fast.place(snapshot, work[0])  # warm-up: builds the per-cluster tables once
        fast_s = min(fast_s, timed_prefix(fast, snapshot, work[:count], float("inf"))[1])
    return {
        "policy": name,
        "pods": count,
        "loop_pods_per_s": count / loop_s,
        "numpy_pods_per_s": count / fast_s,
        "speedup": loop_s / fast_s,
    }


def print_policies(rows: list[dict[str, Any]]) -> None:
    header = ("policy", "pods/s", "pods/cpu-s", "placed", "alloc@100%", "alloc@end")
    print("{:<11}{:>9}{:>11}{:>8}{:>12}{:>11}".format(*header))
    for r in rows:
        print(
            f"{r['policy']:<11}{r['pods_per_s']:>9.0f}{r['pods_per_cpu_s']:>11.0f}{r['placed']:>8}"
            f"{r['alloc_at_100']:>12.2%}{r['alloc_at_end']:>11.2%}"
        )


def print_baselines(rows: list[dict[str, Any]]) -> None:
    print(f"{'baseline':<11}{'pods':>6}{'loop pods/s':>13}{'numpy pods/s':>14}{'speedup':>9}")
    for b in rows:
        print(
            f"{b['policy']:<11}{b['pods']:>6}{b['loop_pods_per_s']:>13.1f}"
            f"{b['numpy_pods_per_s']:>14.0f}{b['speedup']:>8.0f}×"
        )


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print its tables and return the figures."""
    args = parse(argv)
    snapshot, pods, work = load(args.seed, args.tune)
    requested = sum(p.total_gpu_milli for p in work) / snapshot.gpu_capacity_milli()
    print(
        f"openb: {snapshot.nodes.size} nodes, {snapshot.gpu_capacity_milli() // 1000} GPUs; "
        f"{len(work)} pods requesting {requested:.0%} of GPU capacity (seed {args.seed})"
    )
    names = args.policies.split(",")
    rows = [policy_row(n, args.seed, snapshot, pods, work, args.repeat) for n in names]
    print_policies(rows)
    loops = {"fgd": LoopFgd(task_mix(pods)), "bestfit": LoopBestFit()}
    budget = args.baseline_seconds
    baselines = [baseline_row(n, loop, snapshot, pods, work, budget) for n, loop in loops.items()]
    print_baselines(baselines)
    return {"policies": rows, "baselines": baselines, "pods": len(work), "requested": requested}


if __name__ == "__main__":
    run()
