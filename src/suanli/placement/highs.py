"""One HiGHS run on a `MilpModel`, optionally relaxed, boxed or started from a solution."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from highspy._core import _Highs

from suanli.errors import SolverError
from suanli.placement.costs import Floats, Ints
from suanli.placement.milp import MilpModel
from suanli.solver import FEASIBLE, OK_STATUSES, new_highs


@dataclass(frozen=True, slots=True, eq=False)
class Run:
    """How one HiGHS run ended: its solution (None: none found), objective, dual bound, time."""

    optimal: bool
    solution: Floats | None
    objective: float
    bound: float
    seconds: float


@dataclass(frozen=True, slots=True, eq=False)
class RunSpec:
    """What to change for one run: time, gap, integrality (None: the model's), column bounds
    (None: the model's), a starting solution."""

    time_limit: float
    mip_gap: float
    integrality: Ints | None = None
    lower: Floats | None = None
    upper: Floats | None = None
    start: Floats | None = None


def run(model: MilpModel, spec: RunSpec) -> Run:
    """Solve `model` as `spec` says; raises `SolverError` when HiGHS fails."""
    h = new_highs(spec.time_limit, spec.mip_gap)
    _pass(h, model, spec)
    if spec.start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = spec.start
        h.setSolution(solution)
    ran = h.run()
    status, info = h.getModelStatus(), h.getInfo()
    if status not in OK_STATUSES:
        raise SolverError(
            f"HiGHS ended with model status {h.modelStatusToString(status)!r} ({ran}) on the "
            "placement model"
        )
    optimal = status == highspy.HighsModelStatus.kOptimal
    found = info.primal_solution_status == FEASIBLE
    mip = spec.integrality is None or bool(np.any(spec.integrality))
    bound = float(info.mip_dual_bound if mip else info.objective_function_value)
    return Run(
        optimal=optimal,
        solution=np.asarray(h.getSolution().col_value, dtype=np.float64) if found else None,
        objective=float(info.objective_function_value) if found else np.inf,
        bound=bound if np.isfinite(bound) and (mip or optimal) else -np.inf,
        seconds=float(h.getRunTime()),
    )


def _pass(h: _Highs, model: MilpModel, spec: RunSpec) -> None:
    h.passModel(
        model.n_cols,
        model.row_upper.size,
        model.value.size,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        model.offset,
        model.cost,
        np.zeros(model.n_cols) if spec.lower is None else spec.lower,
        model.upper if spec.upper is None else spec.upper,
        np.full(model.row_upper.size, -np.inf),
        model.row_upper,
        model.start,
        model.index,
        model.value,
        model.integrality if spec.integrality is None else spec.integrality,
    )
