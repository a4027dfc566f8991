"""The global optimizer's MILP, built as arrays (column-wise sparse matrix) for HiGHS.

Sets
    J jobs, P pools, S services, R regions
    F ⊆ J×P   feasible (job, pool) pairs                      (`training`: all filters hold)
    Q ⊆ S×P   feasible (service, pool) pairs                  (`services`: all filters hold)
    A ⊆ Q×R   routes: the pool's site is within the service's RTT SLO of a region with demand
    D ⊆ S×R   demand rows: (service, region) pairs with a route
Data
    c_jp cost, V_j value, g_j GPUs of job j; free_p free GPUs of pool p
    k_sp GPUs, μ_sp requests/s, e_sp cost (over the horizon) of one replica; u_sp most replicas
    worth placing (capacity, reachable demand); d_sr demand, v_sr value per request/s
Variables
    x_jp ∈ {0, 1}            (j,p) ∈ F     job j runs, whole, in pool p
    y_sp ∈ {0, …, u_sp}      (s,p) ∈ Q     replicas of service s in pool p
    z_spr ∈ [0, d_sr]        (s,p,r) ∈ A   requests/s of region r served from pool p
Objective (minimise; `problem` explains why this maximises surplus at the buyers' limit prices)
    Σ_F c_jp x_jp + Σ_j V_j (1 − Σ_p x_jp) + Σ_Q e_sp y_sp + Σ_D v_sr (d_sr − Σ_p z_spr)
    = Σ_F (c_jp − V_j) x_jp + Σ_Q e_sp y_sp − Σ_A v_sr z_spr + [Σ_j V_j + Σ_D v_sr d_sr]
    (the bracket is the model's constant offset)
Constraints
    (1) each job at most once:     Σ_p x_jp ≤ 1                                  ∀ j with a pair
    (2) pool capacity:             Σ_j g_j x_jp + Σ_s k_sp y_sp ≤ free_p         ∀ p
    (3) served within replicas:    Σ_r z_spr − μ_sp y_sp ≤ 0                     ∀ (s,p) ∈ Q
    (4) served within demand:      Σ_p z_spr ≤ d_sr                              ∀ (s,r) ∈ D
    (5) replica cover cuts:        Σ_K z_spr − δ_K f_K Σ G_Ksp y_sp ≤ D_K − δ_K f_K ⌈b_K⌉
                                   for route sets K: each route, demand row, service
                                   (`cover_cuts` derives them; they hold for every integer y)
Gangs are never split because x is binary per pool. (5) adds no restriction on integer y but
tightens the LP relaxation (for one route with d ≤ μ it is z ≤ d y, the strong form of facility
location), so the bound is close. All-zero is feasible: the model is never infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.placement.costs import Floats, Ints
from suanli.placement.cover_cuts import cover_rows
from suanli.placement.problem import Problem
from suanli.solver import INTEGER


@dataclass(frozen=True, slots=True, eq=False)
class MilpModel:
    """The model of the module docstring: columns x | y | z, rows (1) .. (5), CSC matrix."""

    cost: Floats
    upper: Floats
    integrality: Ints
    row_upper: Floats  # every row is "<= upper"
    start: Ints
    index: Ints
    value: Floats
    offset: float
    jp_j: Ints  # job of each x column
    jp_p: Ints  # pool of each x column
    n_y: int
    n_z: int

    @property
    def n_x(self) -> int:
        return int(self.jp_j.size)

    @property
    def n_cols(self) -> int:
        return self.n_x + self.n_y + self.n_z


@dataclass(frozen=True, slots=True)
class _Block:
    """Some coefficients of the matrix as (row, column, value) triples."""

    rows: Ints
    cols: Ints
    vals: Floats


@dataclass(frozen=True, slots=True)
class _Columns:
    """Column numbers of x (per feasible job-pool pair), y (per pair Q), z (per route)."""

    jp_j: Ints
    jp_p: Ints
    x: Ints
    y: Ints
    z: Ints

    @classmethod
    def of(cls, problem: Problem) -> _Columns:
        jp_j, jp_p = np.nonzero(problem.training.feasible)
        n_x, n_y = jp_j.size, problem.services.sp_s.size
        return cls(
            jp_j=jp_j.astype(np.int64),
            jp_p=jp_p.astype(np.int64),
            x=np.arange(n_x),
            y=n_x + np.arange(n_y),
            z=n_x + n_y + np.arange(problem.services.route_sp.size),
        )


def build_milp(problem: Problem) -> MilpModel:
    """The MILP of the module docstring for `problem`."""
    t, s = problem.training, problem.services
    c = _Columns.of(problem)
    d_sr, v_sr = s.demand[s.sr_s, s.sr_r], s.value[s.sr_s, s.sr_r]
    blocks, row_upper = _rows(problem, c)
    start, index, value = _csc(blocks, c.x.size + c.y.size + c.z.size)
    return MilpModel(
        cost=np.concatenate(
            [
                t.cost[c.jp_j, c.jp_p] - t.value[c.jp_j],
                s.replica_cost[s.sp_s, s.sp_p],
                -v_sr[s.route_sr],
            ]
        ),
        upper=np.concatenate([np.ones(c.x.size), s.sp_max.astype(np.float64), d_sr[s.route_sr]]),
        integrality=np.repeat([INTEGER, 0], [c.x.size + c.y.size, c.z.size]).astype(np.int64),
        row_upper=row_upper,
        start=start,
        index=index,
        value=value,
        offset=float(t.value[np.unique(c.jp_j)].sum() + (v_sr * d_sr).sum()),
        jp_j=c.jp_j,
        jp_p=c.jp_p,
        n_y=int(c.y.size),
        n_z=int(c.z.size),
    )


def _rows(problem: Problem, c: _Columns) -> tuple[list[_Block], Floats]:
    """Constraint blocks (1) .. (5) of the module docstring and every row's upper bound."""
    t, s = problem.training, problem.services
    jobs, job_row = np.unique(c.jp_j, return_inverse=True)
    d_sr = s.demand[s.sr_s, s.sr_r]
    mu = s.rps[s.sp_s, s.sp_p]
    free = problem.snapshot.free_gpus.astype(np.float64)
    upper = [np.ones(jobs.size), free, np.zeros(c.y.size), d_sr]
    first = np.cumsum([0] + [u.size for u in upper])  # first row of each block
    cuts = cover_rows(s, int(first[4]))
    blocks = [
        _Block(first[0] + job_row.ravel(), c.x, np.ones(c.x.size)),  # (1)
        _Block(first[1] + c.jp_p, c.x, t.gpus[c.jp_j].astype(np.float64)),  # (2) jobs
        _Block(first[1] + s.sp_p, c.y, s.gpus[s.sp_s, s.sp_p].astype(np.float64)),  # (2) replicas
        _Block(first[2] + s.route_sp, c.z, np.ones(c.z.size)),  # (3) served
        _Block(first[2] + np.arange(c.y.size), c.y, -mu),  # (3) replica capacity
        _Block(first[3] + s.route_sr, c.z, np.ones(c.z.size)),  # (4)
        _Block(cuts.z_rows, c.z[cuts.z_routes], np.ones(cuts.z_routes.size)),  # (5)
        _Block(cuts.y_rows, c.y[cuts.y_pairs], cuts.y_vals),  # (5)
    ]
    return blocks, np.concatenate([*upper, cuts.upper])


def _csc(blocks: list[_Block], n_cols: int) -> tuple[Ints, Ints, Floats]:
    """Column starts, row indices and values of the matrix the blocks' triples make."""
    rows = np.concatenate([b.rows for b in blocks]).astype(np.int64)
    cols = np.concatenate([b.cols for b in blocks]).astype(np.int64)
    vals = np.concatenate([b.vals for b in blocks]).astype(np.float64)
    order = np.lexsort((rows, cols))
    start = np.zeros(n_cols + 1, dtype=np.int64)
    start[1:] = np.cumsum(np.bincount(cols, minlength=n_cols))
    return start, rows[order], vals[order]
