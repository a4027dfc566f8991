"""Benchmark (not a test): the global placement optimizer on the china reference network.

    .venv/bin/python bench/optimizer.py [--jobs 1000,5000] [--seed 1] [--time-limit 10]
                                        [--long-time-limit 60] [--preset mixed]

For each job count, a `generate_workload(preset, jobs, seed)` batch (mixed: ~60 % training jobs,
~40 % inference services) is planned on `build_china_network()` with all GPUs free. Measured in
this one run, per job count:
  1. greedy: seconds and objective (the baseline);
  2. optimal within `--time-limit` s (the default 0.1 % gap tolerance): seconds, objective, HiGHS
     lower bound, gap, status, and the ratio greedy objective / optimal objective;
  3. optimal with a 1 % gap tolerance: the seconds until the plan is within 1 % of the bound;
  4. optimal within `--long-time-limit` s, for job counts whose first run did not reach 1 %.
The objective is cost plus the value of unplaced work (`placement.problem`), in yuan.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass

from suanli.catalog.china import build_china_network
from suanli.catalog.workloads import generate_workload
from suanli.domain import Network, Workload
from suanli.network import LatencyModel
from suanli.placement import Plan, Snapshot, plan

TARGET_GAP = 0.01


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", default="1000,5000", help="comma-separated job counts")
    parser.add_argument("--seed", type=int, default=1, help="workload seed")
    parser.add_argument("--preset", default="mixed", help="workload preset")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve")
    parser.add_argument("--long-time-limit", type=float, default=60.0, help="when 1 % is missed")
    return parser.parse_args(argv)


@dataclass(frozen=True, slots=True)
class Timed:
    plan: Plan
    seconds: float


def timed(net: Network, work: Workload, policy: str, **options: float) -> Timed:
    snapshot, latency = Snapshot.of(net), LatencyModel(net)
    started = time.perf_counter()
    result = plan(snapshot, work, latency, policy=policy, **options)
    return Timed(result, time.perf_counter() - started)


def row(label: str, t: Timed, greedy: Timed | None = None) -> str:
    p = t.plan
    ratio = f"{greedy.plan.objective_yuan / p.objective_yuan:8.4f}" if greedy else " " * 8
    return (
        f"  {label:<24} {t.seconds:7.2f} s  objective {p.objective_yuan:14,.0f}  bound "
        f"{p.lower_bound_yuan:14,.0f}  gap {100 * p.gap:6.2f} %  {p.status:<15}  "
        f"greedy/optimal {ratio}  placed {len(p.placements)}, replicas {len(p.replicas)}, "
        f"unplaced {len(p.unplaced)}"
    )


def bench(net: Network, jobs: int, args: argparse.Namespace) -> None:
    work = generate_workload(args.preset, jobs, args.seed, net.regions)
    print(f"{jobs} jobs: {len(work.training_jobs)} training, {len(work.services)} services")
    greedy = timed(net, work, "greedy")
    print(row("greedy", greedy))
    optimal = timed(net, work, "optimal", time_limit=args.time_limit)
    print(row(f"optimal, {args.time_limit:g} s limit", optimal, greedy))
    to_target = timed(net, work, "optimal", time_limit=args.time_limit, mip_gap=TARGET_GAP)
    print(row("optimal, stop at 1 %", to_target, greedy))
    if optimal.plan.gap > TARGET_GAP:
        long = timed(net, work, "optimal", time_limit=args.long_time_limit)
        print(row(f"optimal, {args.long_time_limit:g} s limit", long, greedy))


def run(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    net = build_china_network()
    print(
        f"china reference network: {len(net.sites)} sites, {len(net.pools())} pools, "
        f"{net.gpus:,} GPUs, {len(net.regions)} regions"
    )
    for jobs in (int(n) for n in args.jobs.split(",")):
        bench(net, jobs, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
