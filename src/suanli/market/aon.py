"""The surplus-maximising MILP of one product's book when some orders are all or nothing (HiGHS).

Sets
    B buys, S sells of the product (the columns, in book order); A ⊆ B ∪ S the all-or-nothing
    orders; K the acceptance sets excluded so far (each a subset of A)
Data
    q_i quantity, v_i limit of order i
Variables
    x_i ∈ [0, q_i]   i ∉ A   quantity of divisible order i filled (integer when `integral`)
    z_i ∈ {0, 1}     i ∈ A   order i filled whole (its fill is q_i z_i)
Objective (maximise the surplus at the limits; HiGHS minimises its negative)
    Σ_{B∖A} v_i x_i + Σ_{B∩A} v_i q_i z_i − Σ_{S∖A} v_i x_i − Σ_{S∩A} v_i q_i z_i
Constraints
    (1) balance:      Σ_{B∖A} x_i + Σ_{B∩A} q_i z_i − Σ_{S∖A} x_i − Σ_{S∩A} q_i z_i = 0
    (2) no-good cuts: Σ_{A∖E} z_i − Σ_{E} z_i ≥ 1 − |E|                      ∀ E ∈ K
Nothing filled is always feasible, so the model is never infeasible. (2) excludes exactly the
acceptance set E: every other z differs from E's in some order, which adds 1 to the left side.

`search` solves, hands the acceptance set {i ∈ A : z_i = 1} to `priced` (the caller's test that
a uniform price supports it), and while it does not, cuts that set and solves again. The empty
set is always priced (a divisible book always has a clearing price), so the search ends; when
time or `MAX_CUTS` runs out first it returns the empty set and says it is not optimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt
from highspy._core import _Highs

from suanli.errors import SolverError
from suanli.solver import FEASIBLE, INTEGER, STOPPED, new_highs

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int32]

MAX_CUTS = 1_000
"""Acceptance sets one product's search may exclude before it gives up (and says so)."""


@dataclass(frozen=True, slots=True, eq=False)
class AonBook:
    """One product's orders as arrays, in book order (the model's columns)."""

    quantity: Floats
    limit: Floats
    buy: npt.NDArray[np.bool_]
    all_or_nothing: npt.NDArray[np.bool_]
    integral: bool = False


@dataclass(frozen=True, slots=True)
class Search:
    """The acceptance set found (column indices of the all-or-nothing orders filled), whether
    every solve was proven optimal, HiGHS's seconds in all, and the sets cut on the way."""

    accepted: frozenset[int]
    optimal: bool
    seconds: float
    cuts: int


@dataclass(frozen=True, slots=True)
class _Run:
    accepted: frozenset[int] | None
    optimal: bool
    seconds: float


def search(book: AonBook, priced: Callable[[frozenset[int]], bool], time_limit_s: float) -> Search:
    """The best acceptance set that `priced` accepts (module docstring)."""
    cuts: list[frozenset[int]] = []
    used, optimal = 0.0, True
    while len(cuts) <= MAX_CUTS and used < time_limit_s:
        run = _solve(book, cuts, time_limit_s - used)
        used, optimal = used + run.seconds, optimal and run.optimal
        if run.accepted is None or run.accepted in cuts:
            break
        if priced(run.accepted):
            return Search(run.accepted, optimal, used, len(cuts))
        cuts.append(run.accepted)
    return Search(frozenset(), False, used, len(cuts))


def _solve(book: AonBook, cuts: Sequence[frozenset[int]], time_limit_s: float) -> _Run:
    h = new_highs(time_limit_s, mip_gap=0.0)
    _pass(h, book, cuts)
    h.run()
    status, info = h.getModelStatus(), h.getInfo()
    optimal = status == highspy.HighsModelStatus.kOptimal
    if not optimal and status not in STOPPED:
        raise SolverError(
            f"HiGHS ended with model status {h.modelStatusToString(status)!r} on the clearing "
            "model, which is never infeasible: a bug; report it with the orders file"
        )
    if info.primal_solution_status != FEASIBLE:
        return _Run(None, False, float(h.getRunTime()))
    z = np.asarray(h.getSolution().col_value, dtype=np.float64)
    accepted = frozenset(int(i) for i in np.flatnonzero(book.all_or_nothing & (z > 0.5)))
    return _Run(accepted, optimal, float(h.getRunTime()))


def _pass(h: _Highs, book: AonBook, cuts: Sequence[frozenset[int]]) -> None:
    sign = np.where(book.buy, 1.0, -1.0)
    scale = np.where(book.all_or_nothing, book.quantity, 1.0)  # z_i stands for q_i z_i
    n = book.quantity.size
    start, index, value = [0], [], []
    for i in range(n):
        index.append(0)
        value.append(float(sign[i] * scale[i]))  # (1)
        if book.all_or_nothing[i]:
            for row, cut in enumerate(cuts, start=1):  # (2)
                index.append(row)
                value.append(-1.0 if i in cut else 1.0)
        start.append(len(index))
    divisible = np.where(book.integral, INTEGER, 0)
    h.passModel(
        n,
        1 + len(cuts),
        len(index),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        -sign * scale * book.limit,
        np.zeros(n),
        np.where(book.all_or_nothing, 1.0, book.quantity),
        np.array([0.0] + [1.0 - len(cut) for cut in cuts]),
        np.array([0.0] + [np.inf] * len(cuts)),
        np.asarray(start, dtype=np.int32),
        np.asarray(index, dtype=np.int32),
        np.asarray(value, dtype=np.float64),
        np.where(book.all_or_nothing, INTEGER, divisible).astype(np.int32),
    )
