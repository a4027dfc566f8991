"""HiGHS as the project runs it: silent, seeded, bounded in time. Placement's MILP and the
market's clearing MILP both start from here (neither room may import the other)."""

from __future__ import annotations

import highspy

# `highspy.Highs` prints a banner to stdout when first built, before any option can silence it,
# which would corrupt `--json` output; the core class it wraps does not.
from highspy._core import _Highs

INTEGER = 1  # HiGHS `HighsVarType.kInteger`; 0 is continuous
FEASIBLE = 2  # HiGHS `SolutionStatus.kSolutionStatusFeasible`

STOPPED = frozenset(
    {
        highspy.HighsModelStatus.kTimeLimit,
        highspy.HighsModelStatus.kIterationLimit,
        highspy.HighsModelStatus.kSolutionLimit,
        highspy.HighsModelStatus.kInterrupt,
        highspy.HighsModelStatus.kMemoryLimit,
        highspy.HighsModelStatus.kUnknown,
        highspy.HighsModelStatus.kObjectiveBound,
        highspy.HighsModelStatus.kObjectiveTarget,
    }
)
"""Ends where HiGHS stopped early, by a limit, with or without a solution."""

OK_STATUSES = STOPPED | {highspy.HighsModelStatus.kOptimal}
"""Ends that are not failures."""


def new_highs(time_limit_s: float, mip_gap: float) -> _Highs:
    """A silent HiGHS with a fixed seed, stopping after `time_limit_s` (at least 1 ms) or at a
    relative MIP gap of `mip_gap`. The thread count is left to HiGHS: its scheduler is global to
    the process, and a run that asks for another count than the first run's fails."""
    h = _Highs()
    for name, value in (
        ("output_flag", False),
        ("time_limit", max(1e-3, float(time_limit_s))),
        ("mip_rel_gap", float(mip_gap)),
        ("random_seed", 0),
    ):
        h.setOptionValue(name, value)
    return h
