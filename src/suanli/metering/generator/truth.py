"""The ground truth of a generated data set: the class every GPU-window should get, written as
`labels.json` beside the data so that tests can measure the audit's precision and recall."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from suanli.metering.generator.fleet import Gpu
from suanli.metering.generator.timeline import WINDOW_S, Plan

CLASS_OF_PATTERN = {
    "training": "productive",
    "inference-decode": "productive",
    "idle-held": "idle",
    "spinner": "suspicious",
    "loadgen": "suspicious",
    "phantom": "suspicious",
    "replay": "suspicious",
    "gaps": "productive",
}


def window_truth(plan: Plan, gpu: Gpu) -> tuple[list[str], list[str]]:
    """Per window of the GPU: the expected class and the pattern that produced it."""
    per_window = WINDOW_S // plan.resolution_s
    windows = -(-plan.steps // per_window)
    classes = [CLASS_OF_PATTERN[gpu.pattern]] * windows
    patterns = [gpu.pattern] * windows
    if gpu.pattern == "replay":
        genuine = plan.replay_offset // per_window
        classes[:genuine] = ["productive"] * genuine
        patterns[:genuine] = ["training"] * genuine
    if gpu.index in plan.missing:
        gone = _all_missing(plan.missing[gpu.index], per_window)
        for w in np.flatnonzero(gone):
            classes[w] = "missing"
    return classes, patterns


def _all_missing(missing: NDArray[np.bool_], per_window: int) -> NDArray[np.bool_]:
    padded = np.resize(missing, -(-len(missing) // per_window) * per_window)
    return np.asarray(padded.reshape(-1, per_window).all(axis=1))


def segments(plan: Plan, gpu: Gpu) -> list[dict[str, Any]]:
    """The truth as runs of windows with one class and pattern."""
    classes, patterns = window_truth(plan, gpu)
    window_ms = WINDOW_S * 1000
    runs: list[dict[str, Any]] = []
    for w, key in enumerate(zip(classes, patterns, strict=True)):
        start = plan.start_ms + w * window_ms
        if runs and (runs[-1]["class"], runs[-1]["pattern"]) == key:
            runs[-1]["end_ms"] = start + window_ms
        else:
            runs.append(
                {"start_ms": start, "end_ms": start + window_ms, "class": key[0], "pattern": key[1]}
            )
    return runs


def write_labels(path: Path, plan: Plan, scenario: str) -> None:
    document = {
        "scenario": scenario,
        "seed": plan.seed,
        "start_ms": plan.start_ms,
        "end_ms": plan.start_ms + plan.steps * plan.resolution_s * 1000,
        "resolution_s": plan.resolution_s,
        "window_s": WINDOW_S,
        "replay_offset_s": plan.replay_offset * plan.resolution_s,
        "gpus": [
            {
                "site": g.site,
                "node": g.node,
                "gpu_uuid": g.uuid,
                "model": g.model,
                "pattern": g.pattern,
                "job": g.job,
                "dialect": g.dialect,
                "replay_source": plan.fleet[g.replay_source].uuid if g.replay_source >= 0 else None,
                "truth": segments(plan, g),
            }
            for g in plan.fleet
        ],
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
