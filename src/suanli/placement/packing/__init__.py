"""Node-level packing inside one site: snapshot + pod -> decision, by a named policy.

snapshot = snapshot_from_openb(load_openb_nodes(path))
policy = make_policy("fgd", rng=np.random.default_rng(7), workload=pods)
outcome = policy.place(snapshot, pod)            # Decision or NoFit (with the reason)
if isinstance(outcome, Decision):
    snapshot = commit(snapshot, outcome)         # the only way capacity changes
"""

from suanli.placement.packing.fgd_terms import fragmentation
from suanli.placement.packing.fit import Fit, fit, why_not
from suanli.placement.packing.mix import TaskClass, TaskMix, task_mix
from suanli.placement.packing.outcome import Decision, NoFit, Outcome, commit, release
from suanli.placement.packing.policy import Candidates, Policy, Scorer
from suanli.placement.packing.registry import POLICIES, PolicySetup, make_policy
from suanli.placement.packing.replay import Replay, inflate, replay
from suanli.placement.packing.snapshot import (
    ABSENT,
    Nodes,
    Snapshot,
    snapshot_from_openb,
    snapshot_from_pools,
)

__all__ = [
    "ABSENT",
    "POLICIES",
    "Candidates",
    "Decision",
    "Fit",
    "NoFit",
    "Nodes",
    "Outcome",
    "Policy",
    "PolicySetup",
    "Replay",
    "Scorer",
    "Snapshot",
    "TaskClass",
    "TaskMix",
    "commit",
    "fit",
    "fragmentation",
    "inflate",
    "make_policy",
    "release",
    "replay",
    "snapshot_from_openb",
    "snapshot_from_pools",
    "task_mix",
    "why_not",
]
