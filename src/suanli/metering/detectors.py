"""The detectors the audit policy can configure, by name: what each reads and when it matches.

A detector's test sees the window features (`features.window_features`: one array per feature,
one entry per window, NaN where the GPU did not report the field) and its thresholds from the
policy, and returns which windows match. A field the exporter did not send never proves a claim:
`_at_least`/`_at_most` fail on NaN; `_within_or_absent` is used only where absence is harmless
(an absent SM reading cannot hide a spinner better than a low one).
`gaps`, `phantom` and `replay` look at coverage and across windows, so the audit runs them itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Features = Mapping[str, NDArray[np.float64]]
Mask = NDArray[np.bool_]
Test = Callable[[Features, Mapping[str, float]], Mask]


@dataclass(frozen=True, slots=True)
class Detector:
    name: str
    params: tuple[str, ...]
    evidence: tuple[str, ...]
    """The features reported as the evidence of a window it decides."""
    test: Test | None = None


def _at_least(x: NDArray[np.float64], threshold: float) -> Mask:
    return np.greater_equal(x, threshold, where=~np.isnan(x), out=np.zeros(len(x), np.bool_))


def _at_most(x: NDArray[np.float64], threshold: float) -> Mask:
    return np.less_equal(x, threshold, where=~np.isnan(x), out=np.zeros(len(x), np.bool_))


def _within_or_absent(x: NDArray[np.float64], threshold: float) -> Mask:
    return _at_most(x, threshold) | np.isnan(x)


def spinner(f: Features, p: Mapping[str, float]) -> Mask:
    return (
        _at_least(f["gpu_util"], p["gpu_util_min"])
        & _within_or_absent(f["sm_active"], p["sm_active_max"])
        & _within_or_absent(f["dram_active"], p["dram_active_max"])
        & _at_most(f["power_tdp"], p["power_max_tdp"])
    )


def loadgen(f: Features, p: Mapping[str, float]) -> Mask:
    return (
        _at_least(f["tensor_active"], p["tensor_active_min"])
        & _at_most(f["tensor_active_std"], p["tensor_active_std_max"])
        & _within_or_absent(f["sm_active_std"], p["sm_active_std_max"])
        & _at_most(f["power_cv"], p["power_cv_max"])
        & _at_most(f["interconnect_bytes"], p["interconnect_bytes_max"])
    )


def power_veto(f: Features, p: Mapping[str, float]) -> Mask:
    return _at_least(f["sm_active"], p["sm_active_min"]) & _at_most(
        f["power_tdp"], p["power_max_tdp"]
    )


def idle(f: Features, p: Mapping[str, float]) -> Mask:
    sm, util = f["sm_active"], f["gpu_util"]
    quiet = _at_most(sm, p["sm_active_max"]) | (np.isnan(sm) & _at_most(util, p["gpu_util_max"]))
    return quiet & _within_or_absent(f["dram_active"], p["dram_active_max"])


def compute_bound(f: Features, p: Mapping[str, float]) -> Mask:
    return _at_least(f["sm_active"], p["sm_active_min"]) & _at_least(
        f["power_tdp"], p["power_min_tdp"]
    )


def decode_bound(f: Features, p: Mapping[str, float]) -> Mask:
    return _at_least(f["dram_active"], p["dram_active_min"]) & _at_least(
        f["power_tdp"], p["power_min_tdp"]
    )


def _everything(f: Features, p: Mapping[str, float]) -> Mask:
    return np.ones(len(f["samples"]), np.bool_)


ACTIVITY = ("gpu_util", "sm_active", "dram_active", "tensor_active", "power_w", "power_tdp")
DETECTORS = {
    d.name: d
    for d in (
        Detector("gaps", ("min_samples",), ("samples",)),
        Detector("phantom", (), ()),
        Detector(
            "replay",
            ("min_samples", "min_power_std_w", "min_run_windows", "max_copies"),
            ("samples", "power_w", "power_w_std"),
        ),
        Detector(
            "spinner",
            ("gpu_util_min", "sm_active_max", "dram_active_max", "power_max_tdp"),
            ("gpu_util", "sm_active", "dram_active", "power_w", "power_tdp"),
            spinner,
        ),
        Detector(
            "loadgen",
            (
                "tensor_active_min",
                "tensor_active_std_max",
                "sm_active_std_max",
                "power_cv_max",
                "interconnect_bytes_max",
            ),
            (
                "tensor_active",
                "tensor_active_std",
                "sm_active_std",
                "power_w",
                "power_cv",
                "interconnect_bytes",
            ),
            loadgen,
        ),
        Detector(
            "power_veto",
            ("sm_active_min", "power_max_tdp"),
            ("sm_active", "power_w", "power_tdp"),
            power_veto,
        ),
        Detector(
            "idle",
            ("sm_active_max", "dram_active_max", "gpu_util_max"),
            ("sm_active", "dram_active", "gpu_util", "power_w", "fb_used_mib"),
            idle,
        ),
        Detector(
            "compute_bound",
            ("sm_active_min", "power_min_tdp"),
            ("sm_active", "tensor_active", "power_w", "power_tdp"),
            compute_bound,
        ),
        Detector(
            "decode_bound",
            ("dram_active_min", "power_min_tdp"),
            ("dram_active", "sm_active", "power_w", "power_tdp"),
            decode_bound,
        ),
    )
}
FALLBACKS = {"unproven_activity": Detector("unproven_activity", (), ACTIVITY, _everything)}
