"""Hours per class and certified GPU-hours: per GPU, per site (or all), per job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from suanli.metering.grid import GpuRow
from suanli.metering.policy import CLASSES

if TYPE_CHECKING:
    from suanli.metering.report import AuditInputs

PROFILING_HINT = (
    "no DCGM_FI_PROF_SM_ACTIVE samples: no window can be certified productive; enable the "
    "profiling fields (DCGM_FI_PROF_*) in dcgm-exporter's counters file"
)


def gpu_summary(a: AuditInputs, index: int, gpu: GpuRow) -> dict[str, Any]:
    counts = np.bincount(a.grid.klass[index], minlength=len(CLASSES))
    return {
        "site": gpu.site,
        "gpu_uuid": gpu.gpu_uuid,
        "node": gpu.node,
        "model": gpu.model,
        **_hours(a, counts),
        "notes": _notes(a, index, gpu),
    }


def _hours(a: AuditInputs, counts: NDArray[np.int64]) -> dict[str, Any]:
    """Observed, certified and per-class hours from window counts per class (rounded once)."""
    hours = a.policy.window_minutes / 60
    certified = sum(int(counts[CLASSES.index(c)]) for c in a.policy.certified_classes)
    observed = int(counts.sum()) - int(counts[CLASSES.index("missing")])
    return {
        "hours_observed": round(observed * hours, 4),
        "certified_gpu_hours": round(certified * hours, 4),
        "hours_by_class": {c: round(int(counts[k]) * hours, 4) for k, c in enumerate(CLASSES)},
    }


def _notes(a: AuditInputs, index: int, gpu: GpuRow) -> list[dict[str, Any]]:
    notes = []
    if gpu.in_inventory is False:
        notes.append(
            {
                "detector": "inventory",
                "class": None,
                "details": "reports telemetry but is not in the inventory",
            }
        )
    rows = a.grid.row[index][a.grid.row[index] >= 0]
    if len(rows) and np.isnan(a.features["sm_active"][rows]).all():
        notes.append(
            {"detector": "profiling_fields_absent", "class": None, "details": PROFILING_HINT}
        )
    return notes


def site_totals(a: AuditInputs, gpus: list[dict[str, Any]], site: str | None) -> dict[str, Any]:
    """Sums over the GPUs of `site` (all GPUs when None)."""
    rows = [i for i, g in enumerate(gpus) if site is None or g["site"] == site]
    counts = np.zeros(len(CLASSES), np.int64)
    for i in rows:
        counts += np.bincount(a.grid.klass[i], minlength=len(CLASSES))
    totals: dict[str, Any] = {"site": site} if site is not None else {}
    totals["gpus"] = len(rows)
    totals["flagged_gpus"] = sum(1 for i in rows if any(f["class"] for f in gpus[i]["flags"]))
    return {**totals, **_hours(a, counts)}


def job_totals(a: AuditInputs) -> list[dict[str, Any]]:
    """Certified and observed GPU-hours per (site, job), from the windows with data, with the
    hours per class and the detectors that flagged any of its windows (suspicious or missing)."""
    r, klass = a.rollups, a.decisions.klass
    hours = a.policy.window_minutes / 60
    certified = np.isin(klass, [CLASSES.index(c) for c in a.policy.certified_classes])
    observed = klass != CLASSES.index("missing")
    key = r.labels["site"] * (len(r.dictionaries["job"]) + 1) + r.labels["job"]
    groups, firsts, inverse = np.unique(key, return_index=True, return_inverse=True)
    cert = np.bincount(inverse, weights=certified, minlength=len(groups))
    seen = np.bincount(inverse, weights=observed, minlength=len(groups))
    pairs = np.unique(inverse * (int(r.gpu.max(initial=0)) + 1) + r.gpu)
    gpus = np.bincount(pairs // (int(r.gpu.max(initial=0)) + 1), minlength=len(groups))
    by_class = _counts(inverse, klass.astype(np.int64), len(groups), len(CLASSES))
    jobs = []
    for g, first in enumerate(firsts.tolist()):
        jobs.append(
            {
                "site": r.label("site", first),
                "job": r.label("job", first) or None,
                "gpus": int(gpus[g]),
                "hours_observed": round(float(seen[g]) * hours, 4),
                "certified_gpu_hours": round(float(cert[g]) * hours, 4),
                "hours_by_class": {
                    c: round(int(by_class[g, k]) * hours, 4) for k, c in enumerate(CLASSES)
                },
                "flags": _job_flags(a, inverse == g, hours),
            }
        )
    return jobs


def _counts(
    group: NDArray[np.int64], value: NDArray[np.int64], groups: int, values: int
) -> NDArray[np.int64]:
    """groups × values: how many rows of each group hold each value."""
    flat = np.bincount(group * values + value, minlength=groups * values)
    return flat.reshape(groups, values)


def _job_flags(a: AuditInputs, rows: NDArray[np.bool_], hours: float) -> list[dict[str, Any]]:
    """Per detector that decided a suspicious or missing window of these rows: its hours."""
    flagged = [CLASSES.index(c) for c in ("suspicious", "missing")]
    chosen = rows & np.isin(a.decisions.klass, flagged)
    flags = []
    for rule in np.unique(a.decisions.rule[chosen]).tolist():
        mine = chosen & (a.decisions.rule == rule)
        klass = CLASSES[int(a.decisions.klass[mine][0])]
        flags.append(
            {
                "detector": a.decisions.rule_names[rule],
                "class": klass,
                "hours": round(int(mine.sum()) * hours, 4),
            }
        )
    return flags
