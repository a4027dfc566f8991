"""Give every rollup window one class: the first policy detector that matches decides it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from suanli.metering.detectors import DETECTORS, FALLBACKS, Features
from suanli.metering.policy import CLASSES, Policy
from suanli.metering.replay import Replays

GRID_ONLY = ("phantom",)
"""Detectors that decide whole GPUs rather than windows (see `grid`)."""


@dataclass(frozen=True, slots=True)
class Decisions:
    """Per window: class (index into `CLASSES`) and deciding rule (index into `rule_names`)."""

    klass: NDArray[np.int8]
    rule: NDArray[np.int16]
    rule_names: tuple[str, ...]


def rule_names(policy: Policy) -> tuple[str, ...]:
    """The policy's detectors in order, then its fallback."""
    return (*(r.name for r in policy.rules), policy.fallback.name)


def classify(features: Features, replays: Replays, policy: Policy) -> Decisions:
    n = len(features["samples"])
    klass = np.full(n, -1, np.int8)
    rule = np.full(n, -1, np.int16)
    for index, item in enumerate(policy.rules):
        if item.name in GRID_ONLY:
            continue
        match = _match(item.name, features, replays, item.params)
        new = match & (klass < 0)
        klass[new] = CLASSES.index(item.klass)
        rule[new] = index
    rest = klass < 0
    klass[rest] = CLASSES.index(policy.fallback.klass)
    rule[rest] = len(policy.rules)
    return Decisions(klass, rule, rule_names(policy))


def _match(
    name: str, features: Features, replays: Replays, params: dict[str, float]
) -> NDArray[np.bool_]:
    if name == "gaps":
        return features["samples"] < params["min_samples"]
    if name == "replay":
        return replays.mask
    test = DETECTORS[name].test or FALLBACKS[name].test
    assert test is not None
    return test(features, params)
