"""Placement policies by name, and `plan`, the entry point: snapshot + work -> plan.

The cycle, in steps (STYLE.md rule 1: placement decides; others commit):
1. compile the snapshot and the pending work into arrays (`Problem.build`): filters, costs, values;
2. look the policy up by name and let it decide (`Decision`: an assignment and a lower bound);
3. assemble the plan: placements, replicas, reasons for what is left out, objective, gap, time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from suanli.domain import Workload
from suanli.errors import UnknownNameError
from suanli.network.latency import LatencyModel
from suanli.placement.assemble import assemble
from suanli.placement.costs import CostModel
from suanli.placement.greedy import greedy
from suanli.placement.milp import build_milp
from suanli.placement.optimizer import (
    DEFAULT_MIP_GAP,
    DEFAULT_TIME_LIMIT_S,
    SolverOptions,
    solve_milp,
)
from suanli.placement.problem import Assignment, Problem, capacity_free_bound
from suanli.placement.snapshot import Snapshot
from suanli.placement.values import Plan, Status

Clock = Callable[[], float]

RESERVE_S = 0.2
RESERVE_PER_ITEM_S = 1e-4
"""Seconds of the time limit kept for writing the plan (reasons for every job and service) and
for HiGHS overrunning its limit: RESERVE_S + RESERVE_PER_ITEM_S per job and service."""


@dataclass(frozen=True, slots=True, eq=False)
class Decision:
    """What a policy decides, the best lower bound it knows, and how it got there."""

    assignment: Assignment
    lower_bound: float
    status: Status


Seconds = Callable[[], float]
"""Seconds left of the time limit."""


def greedy_policy(problem: Problem, options: SolverOptions, left: Seconds) -> Decision:
    """`greedy`, bounded by the capacity-free bound (no solver is run)."""
    return Decision(greedy(problem), capacity_free_bound(problem), "greedy")


def optimal_policy(problem: Problem, options: SolverOptions, left: Seconds) -> Decision:
    """The MILP (`milp`) on HiGHS, started from greedy; greedy again when HiGHS finds nothing
    better in time and cannot prove greedy optimal ("greedy_fallback"), with the best bound
    known either way."""
    start = greedy(problem)
    model = build_milp(problem)
    solved = solve_milp(problem, model, options, left, start)
    bound = max(solved.bound, capacity_free_bound(problem))
    found_nothing_better = solved.assignment is start and solved.status != "optimal"
    if solved.assignment is None or found_nothing_better:
        return Decision(start, bound, "greedy_fallback")
    return Decision(solved.assignment, bound, solved.status)


POLICIES: dict[str, Callable[[Problem, SolverOptions, Seconds], Decision]] = {
    "optimal": optimal_policy,
    "greedy": greedy_policy,
}


def plan(
    snapshot: Snapshot,
    workload: Workload,
    latency: LatencyModel | None = None,
    *,
    policy: str = "optimal",
    time_limit: float = DEFAULT_TIME_LIMIT_S,
    mip_gap: float = DEFAULT_MIP_GAP,
    costs: CostModel | None = None,
    clock: Clock = time.perf_counter,
) -> Plan:
    """Steps 1–3 of the module docstring for the training jobs and services of `workload` (its
    pods are node-level work: `placement.packing`). `latency` defaults to the model of the
    snapshot's network; `time_limit` bounds the whole call, `mip_gap` is the relative gap at
    which the optimizer stops; `clock` measures time (inject a fake one for byte-identical
    output). The same inputs give the same plan whenever the time limit is not reached."""
    if policy not in POLICIES:
        raise UnknownNameError("placement policy", policy, list(POLICIES))
    started = clock()
    items = len(workload.training_jobs) + len(workload.services)
    reserve = RESERVE_S + RESERVE_PER_ITEM_S * items

    def left() -> float:
        return max(0.0, time_limit - (clock() - started) - reserve)

    problem = Problem.build(snapshot, workload, latency, costs)
    options = SolverOptions(time_limit=time_limit, mip_gap=mip_gap)
    decision = POLICIES[policy](problem, options, left)
    return assemble(
        problem,
        decision.assignment,
        lower_bound=decision.lower_bound,
        status=decision.status,
        seconds=clock() - started,
    )
