"""Solving the MILP of `milp` with HiGHS within a time limit: LP, two dives, branch and bound.

Steps, each on a share of the time left (`left()`, read from the caller's clock), each skipped
once the best plan is within `mip_gap` of the bound:
1. LP relaxation: its optimum is a lower bound; if it is integral it is the optimum.
2. RENS (relaxation enforced neighbourhood search): the MILP with every integer variable boxed to
   the floor and ceiling of its LP value. The LP point lies in the box and rounding it down is
   feasible, so the box always holds a plan; usually a good one, found fast.
3. The LP's support: integer variables that are 0 in the LP stay 0, the others range from 0 to
   one above their LP ceiling; started from the best plan so far (it lies in this box too).
4. Branch and bound on the whole MILP from the best plan so far (or the caller's start, greedy).
The bound returned is the best of the LP's and branch and bound's (a box's bound is only its own).
When no step found a plan the caller falls back to greedy. HiGHS failures raise `SolverError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from suanli.placement.costs import Floats, Ints
from suanli.placement.highs import RunSpec, run
from suanli.placement.milp import MilpModel
from suanli.placement.problem import Assignment, Problem, objective
from suanli.placement.values import relative_gap
from suanli.solver import INTEGER

DEFAULT_TIME_LIMIT_S = 10.0
DEFAULT_MIP_GAP = 1e-3
"""Stop when the plan is within 0.1 % of the bound (HiGHS's own default is 0.01 %)."""

RENS_TIME_SHARE = 0.5
"""Share of the time left after step 1 that step 2 may use."""

SUPPORT_TIME_SHARE = 0.7
"""Share of the time left after step 2 that step 3 may use (it finds most of the improvement;
branch and bound mostly proves)."""

DIVE_MIP_GAP = 1e-3
"""Gap tolerance of steps 2 and 3 at most: a box's own bound is weaker than the LP's, so a dive
stopped at the caller's gap against it could miss that gap against the LP bound."""

BRANCH_MIN_LP_TIMES = 3.0
"""Step 4 re-solves the root LP and cuts before it can improve anything: it runs only with at
least this many LP solve times left."""

INTEGRALITY_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class SolverOptions:
    """How long and how exactly HiGHS searches."""

    time_limit: float = DEFAULT_TIME_LIMIT_S  # seconds before the best plan so far is returned
    mip_gap: float = DEFAULT_MIP_GAP  # relative gap to the bound at which a plan counts optimal


@dataclass(frozen=True, slots=True, eq=False)
class Solved:
    """The outcome: the best plan (None: none found in time), the best bound, how it ended."""

    assignment: Assignment | None
    bound: float
    status: Literal["optimal", "time_limit"]


@dataclass(slots=True)
class _Search:
    """The state of steps 1–4: best plan and its objective, best bound, seconds left."""

    problem: Problem
    model: MilpModel
    options: SolverOptions
    left: Callable[[], float]
    best: Assignment | None = None
    best_value: float = np.inf
    bound: float = -np.inf
    solved: bool = False  # branch and bound ended optimal (within HiGHS's gap tolerance)

    def offer(self, a: Assignment | None) -> None:
        if a is not None and (value := objective(self.problem, a)) < self.best_value - 1e-9:
            self.best, self.best_value = a, value

    @property
    def proven(self) -> bool:
        """The best plan is within the gap tolerance of the bound."""
        gap = relative_gap(self.best_value, self.bound) if self.best is not None else np.inf
        return self.solved or gap <= self.options.mip_gap

    def done(self) -> bool:
        return self.proven or self.left() <= 0


def solve_milp(
    problem: Problem,
    model: MilpModel,
    options: SolverOptions,
    left: Callable[[], float],
    start: Assignment | None = None,
) -> Solved:
    """Steps 1–4 of the module docstring within `left()` seconds; `start` (a feasible
    decision) competes with the dives and seeds step 4."""
    if model.n_cols == 0:
        return Solved(Assignment.empty(problem), model.offset, "optimal")
    search = _Search(problem, model, options, left)
    lp = run(model, RunSpec(left(), 0.0, np.zeros_like(model.integrality)))
    search.bound = lp.bound
    if lp.solution is not None and lp.optimal and _integral(model, lp.solution):
        return Solved(decode(problem, model, lp.solution), lp.bound, "optimal")
    search.offer(start)
    if lp.solution is not None and lp.optimal:
        _dives(search, lp.solution, lp.seconds)
    if not search.done() and left() >= BRANCH_MIN_LP_TIMES * lp.seconds:
        _branch_and_bound(search)
    return Solved(search.best, search.bound, "optimal" if search.proven else "time_limit")


def _dives(search: _Search, lp: Floats, lp_seconds: float) -> None:
    """Steps 2 and 3; step 3 takes all the time left when step 4 would get too little."""
    if not search.done():
        search.offer(_dive(search, *_rens_box(search.model, lp), RENS_TIME_SHARE))
    if not search.done():
        share = SUPPORT_TIME_SHARE
        if search.left() * (1.0 - share) < BRANCH_MIN_LP_TIMES * lp_seconds:
            share = 1.0
        search.offer(_dive(search, *_support_box(search.model, lp), share))


def _integral(model: MilpModel, col: Floats) -> bool:
    ints = col[model.integrality == INTEGER]
    return bool(np.all(np.abs(ints - np.rint(ints)) <= INTEGRALITY_TOLERANCE))


def _rens_box(model: MilpModel, lp: Floats) -> tuple[Floats, Floats]:
    """Step 2's bounds: integers between the floor and the ceiling of their LP value."""
    ints = model.integrality == INTEGER
    lower = np.where(ints, np.floor(lp + INTEGRALITY_TOLERANCE), 0.0)
    return lower, np.where(ints, np.ceil(lp - INTEGRALITY_TOLERANCE), model.upper)


def _support_box(model: MilpModel, lp: Floats) -> tuple[Floats, Floats]:
    """Step 3's bounds: integers 0 in the LP stay 0; the others from 0 to their ceiling + 1."""
    ints = model.integrality == INTEGER
    grown = np.minimum(np.ceil(lp - INTEGRALITY_TOLERANCE) + 1.0, model.upper)
    upper = np.where(lp > INTEGRALITY_TOLERANCE, grown, 0.0)
    return np.zeros_like(lp), np.where(ints, upper, model.upper)


def _dive(search: _Search, lower: Floats, upper: Floats, share: float) -> Assignment | None:
    """The MILP within bounds, from the best plan so far if it lies within them."""
    model = search.model
    start = None if search.best is None else encode(search.problem, model, search.best)
    if start is not None and not np.all((start >= lower - 1e-9) & (start <= upper + 1e-9)):
        start = None
    gap = min(search.options.mip_gap, DIVE_MIP_GAP)
    spec = RunSpec(search.left() * share, gap, None, lower, upper, start)
    r = run(model, spec)
    return None if r.solution is None else decode(search.problem, model, r.solution)


def _branch_and_bound(search: _Search) -> None:
    """Step 4 on the time left, from the best plan so far."""
    start = None if search.best is None else encode(search.problem, search.model, search.best)
    r = run(search.model, RunSpec(search.left(), search.options.mip_gap, start=start))
    search.bound = max(search.bound, r.bound)
    if r.solution is not None:
        search.offer(decode(search.problem, search.model, r.solution))
    search.solved = r.optimal and search.best is not None


def encode(problem: Problem, model: MilpModel, a: Assignment) -> Floats:
    """The column values of decision `a`."""
    pools = len(problem.snapshot.pools)
    placed = np.flatnonzero(a.job_pool >= 0)
    cols = np.searchsorted(model.jp_j * pools + model.jp_p, placed * pools + a.job_pool[placed])
    x = np.zeros(model.n_x)
    x[cols] = 1.0
    return np.concatenate([x, a.replicas.astype(np.float64), a.routed_rps])


def decode(problem: Problem, model: MilpModel, col: Floats) -> Assignment:
    """The decision in a solution, rounded, with routes trimmed to replica capacity and demand
    (they may exceed them by the solver's feasibility tolerance)."""
    x, y, z = np.split(col, [model.n_x, model.n_x + model.n_y])
    job_pool = np.full(len(problem.training.jobs), -1, dtype=np.int64)
    on = x > 0.5
    job_pool[model.jp_j[on]] = model.jp_p[on]
    replicas = np.rint(y).astype(np.int64)
    return Assignment(job_pool, replicas, trim_routes(problem, replicas, np.maximum(z, 0.0)))


def trim_routes(problem: Problem, replicas: Ints, z: Floats) -> Floats:
    """Scale routes down so that no pair serves more than its replicas and no demand row gets
    more than its demand."""
    s = problem.services
    capacity = replicas * s.rps[s.sp_s, s.sp_p]
    per_pair = np.bincount(s.route_sp, weights=z, minlength=s.sp_s.size)
    z = z * np.minimum(1.0, capacity / np.maximum(per_pair, 1e-300))[s.route_sp]
    demand = s.demand[s.sr_s, s.sr_r]
    per_row = np.bincount(s.route_sr, weights=z, minlength=s.sr_s.size)
    trimmed: Floats = z * np.minimum(1.0, demand / np.maximum(per_row, 1e-300))[s.route_sr]
    return trimmed
