"""Policies by name: `make_policy("fgd", rng=..., workload=pods)`.

Every factory receives the same `PolicySetup`; a policy takes what it needs from it (the seeded
generator for `random`, the workload whose task mix `fgd` minimises fragmentation for).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from suanli.domain import Pod
from suanli.errors import InvalidValueError, UnknownNameError
from suanli.placement.packing.fgd import FgdScorer
from suanli.placement.packing.heuristics import (
    BestFitScorer,
    DotProductScorer,
    FirstFitScorer,
    RandomScorer,
)
from suanli.placement.packing.mix import DEFAULT_COVERAGE, task_mix
from suanli.placement.packing.policy import Policy, Scorer
from suanli.placement.packing.tiers import ClusteringScorer, PackingScorer


@dataclass(frozen=True, slots=True)
class PolicySetup:
    """What a policy may be built from: injected randomness and the expected workload."""

    rng: np.random.Generator
    workload: Sequence[Pod] = ()
    coverage: float = DEFAULT_COVERAGE


def _fgd(setup: PolicySetup) -> Scorer:
    if not any(p.num_gpu > 0 for p in setup.workload):
        raise InvalidValueError(
            "fgd needs the expected workload (with GPU pods) to derive its task mix; "
            "pass workload=pods to make_policy"
        )
    return FgdScorer(task_mix(setup.workload, setup.coverage))


POLICIES: dict[str, Callable[[PolicySetup], Scorer]] = {
    "random": lambda setup: RandomScorer(setup.rng),
    "firstfit": lambda setup: FirstFitScorer(),
    "bestfit": lambda setup: BestFitScorer(),
    "dotprod": lambda setup: DotProductScorer(),
    "packing": lambda setup: PackingScorer(),
    "clustering": lambda setup: ClusteringScorer(),
    "fgd": _fgd,
}


def make_policy(
    name: str,
    *,
    rng: np.random.Generator | None = None,
    workload: Sequence[Pod] = (),
    coverage: float = DEFAULT_COVERAGE,
) -> Policy:
    """The policy called `name`; raises `UnknownNameError` listing the known names.

    `rng` defaults to `numpy.random.default_rng(0)`, so an unseeded call is still reproducible.
    """
    factory = POLICIES.get(name)
    if factory is None:
        raise UnknownNameError("packing policy", name, list(POLICIES))
    setup = PolicySetup(rng if rng is not None else np.random.default_rng(0), workload, coverage)
    return Policy(name, factory(setup))
