"""placement room: snapshot + pending work -> plan (STYLE.md rule 1: a pure function).

Site selection with hard filters and a cost model (`training`, `services`, `costs`), a greedy
policy (`greedy`), a global MILP on HiGHS (`milp`, `cover_cuts`, `optimizer`), the inference
replica planner (the services part of both), explanations (`explain`). Node-level packing inside a
site lives in `placement.packing`. Entry point: `plan(snapshot, workload, latency, policy=...)`.
"""

from suanli.errors import SolverError
from suanli.placement.costs import CostModel
from suanli.placement.explain import explain
from suanli.placement.optimizer import DEFAULT_MIP_GAP, DEFAULT_TIME_LIMIT_S, SolverOptions
from suanli.placement.policies import POLICIES, plan
from suanli.placement.problem import Assignment, Problem
from suanli.placement.snapshot import Snapshot
from suanli.placement.values import Placement, Plan, ReplicaPlan, Status, Unplaced

__all__ = [
    "DEFAULT_MIP_GAP",
    "DEFAULT_TIME_LIMIT_S",
    "POLICIES",
    "Assignment",
    "CostModel",
    "Placement",
    "Plan",
    "Problem",
    "ReplicaPlan",
    "Snapshot",
    "SolverError",
    "SolverOptions",
    "Status",
    "Unplaced",
    "explain",
    "plan",
]
