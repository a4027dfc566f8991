"""The audit as one JSON-ready dict: per GPU, per site, per job, with the evidence of every
interval (a run of windows one detector decided)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from suanli.metering.classify import Decisions
from suanli.metering.detectors import DETECTORS, FALLBACKS, Features
from suanli.metering.grid import Grid
from suanli.metering.policy import CLASSES, Policy
from suanli.metering.replay import Replays
from suanli.metering.rollup import Rollups
from suanli.metering.segments import Segments, find_segments, segment_means
from suanli.metering.summaries import gpu_summary, job_totals, site_totals

FLAGGED = ("suspicious", "missing")


@dataclass(frozen=True, slots=True)
class AuditInputs:
    """Everything the audit computed, for the report to read."""

    policy: Policy
    rollups: Rollups
    features: Features
    replays: Replays
    decisions: Decisions
    grid: Grid


def build_report(a: AuditInputs, store: str, site: str | None, intervals: bool) -> dict[str, Any]:
    segments = find_segments(a.grid)
    evidence = _evidence(a, segments)
    bounds = np.searchsorted(segments.gpu, np.arange(len(a.grid.gpus) + 1))
    gpus = []
    for index, gpu in enumerate(a.grid.gpus):
        own = range(int(bounds[index]), int(bounds[index + 1]))
        summary = gpu_summary(a, index, gpu)
        summary["flags"] = _flags(a, segments, own, evidence) + summary.pop("notes")
        if intervals:
            summary["intervals"] = [evidence[i] for i in own]
        gpus.append(summary)
    return {
        "policy": {"version": a.policy.version, "source": a.policy.source},
        "store": store,
        "site": site,
        "window_minutes": a.policy.window_minutes,
        "from": iso(a.grid.start_ms),
        "to": iso(a.grid.start_ms + a.grid.windows * a.grid.window_ms),
        "certified_classes": list(a.policy.certified_classes),
        "totals": site_totals(a, gpus, None),
        "sites": [site_totals(a, gpus, s) for s in sorted({g["site"] for g in gpus})],
        "jobs": job_totals(a),
        "gpus": gpus,
    }


def _evidence(a: AuditInputs, segments: Segments) -> list[dict[str, Any]]:
    names = a.decisions.rule_names
    fields = sorted({f for d in (*DETECTORS.values(), *FALLBACKS.values()) for f in d.evidence})
    means = segment_means(segments, a.grid, a.features, tuple(fields))
    hours = a.policy.window_minutes / 60
    out = []
    for i in range(len(segments)):
        rule = names[int(segments.rule[i])]
        item = {
            "from": iso(a.grid.start_ms + int(segments.w0[i]) * a.grid.window_ms),
            "to": iso(a.grid.start_ms + int(segments.w1[i]) * a.grid.window_ms),
            "hours": round((int(segments.w1[i]) - int(segments.w0[i])) * hours, 4),
            "class": CLASSES[int(segments.klass[i])],
            "detector": rule,
            "evidence": _observed(a, rule, means, i, segments),
        }
        out.append(item)
    return out


def _observed(
    a: AuditInputs, rule: str, means: dict[str, NDArray[np.float64]], i: int, segments: Segments
) -> dict[str, Any]:
    if rule == "phantom":
        return {"reason": "listed in the inventory; no sample at all in the audited range"}
    detector = DETECTORS.get(rule) or FALLBACKS[rule]
    configured = a.policy.rule(rule) or a.policy.fallback
    evidence: dict[str, Any] = {
        "observed": {f: number(means[f][i]) for f in detector.evidence},
        "thresholds": dict(configured.params),
    }
    if rule == "replay" and segments.first_row[i] >= 0:
        evidence["copies"] = _source(a, int(segments.first_row[i]))
    return evidence


def _source(a: AuditInputs, row: int) -> dict[str, Any]:
    source = int(a.replays.source[row])
    r = a.rollups
    return {
        "gpu_uuid": r.label("gpu_uuid", source),
        "site": r.label("site", source),
        "from": iso(int(r.start_ms[source])),
        "offset_hours": round((int(r.start_ms[row]) - int(r.start_ms[source])) / 3_600_000, 4),
    }


def _flags(
    a: AuditInputs, segments: Segments, own: range, evidence: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One flag per detector that found suspicious or missing windows on this GPU."""
    flags: dict[str, dict[str, Any]] = {}
    for i in own:
        item = evidence[i]
        if item["class"] not in FLAGGED:
            continue
        flag = flags.setdefault(
            item["detector"],
            {
                "detector": item["detector"],
                "class": item["class"],
                "hours": 0.0,
                "intervals": 0,
                "first": item["from"],
                "details": item["evidence"],
            },
        )
        flag["hours"] = round(flag["hours"] + item["hours"], 4)
        flag["intervals"] += 1
        flag["last"] = item["to"]
    return list(flags.values())


def number(x: float) -> float | None:
    """A JSON number with 4 significant digits, or None for NaN."""
    return None if not np.isfinite(x) else float(f"{x:.4g}")


def iso(ms: int) -> str:
    return str(np.datetime64(int(ms), "ms").astype("datetime64[s]")) + "Z"
