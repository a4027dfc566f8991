"""Generate → ingest → audit, and compare the audit with the generator's ground truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from suanli.metering.audit import audit
from suanli.metering.generator import generate
from suanli.metering.ingest import ingest

WINDOW_MS = 300_000


def generated_audit(
    root: Path, scenario: str, gpus: int, hours: float, seed: int, span: bool = False, **kw: Any
):
    """Generate, ingest and audit (over the generated span when `span`, else the data's)."""
    data = root / "data"
    generate(scenario, gpus, hours, seed, data, **kw)
    files = sorted((data / "metrics").iterdir())
    if any(f.stat().st_size for f in files):
        ingest(files, root / "store")
    labels = json.loads((data / "labels.json").read_text())
    start, end = (labels["start_ms"], labels["end_ms"]) if span else (None, None)
    report = audit(root / "store", start=start, end=end, inventory=data / "inventory.csv")
    return labels, report


def truth_windows(labels: dict[str, Any]) -> dict[tuple[str, int], tuple[str, str]]:
    """(gpu, window start) -> (expected class, pattern)."""
    out = {}
    for gpu in labels["gpus"]:
        for seg in gpu["truth"]:
            for start in range(seg["start_ms"], seg["end_ms"], WINDOW_MS):
                out[gpu["gpu_uuid"], start] = (seg["class"], seg["pattern"])
    return out


def audited_windows(report: dict[str, Any]) -> dict[tuple[str, int], tuple[str, str]]:
    """(gpu, window start) -> (class, detector), from the audit's intervals."""
    from datetime import datetime

    out = {}
    for gpu in report["gpus"]:
        for seg in gpu["intervals"]:
            lo = int(datetime.fromisoformat(seg["from"]).timestamp() * 1000)
            hi = int(datetime.fromisoformat(seg["to"]).timestamp() * 1000)
            for start in range(lo, hi, WINDOW_MS):
                out[gpu["gpu_uuid"], start] = (seg["class"], seg["detector"])
    return out


def precision_recall(truth, audited, klass: str) -> tuple[float, float]:
    keys = truth.keys() | audited.keys()
    hit = sum(
        1 for k in keys if truth.get(k, ("",))[0] == klass and audited.get(k, ("",))[0] == klass
    )
    said = sum(1 for k in keys if audited.get(k, ("",))[0] == klass)
    real = sum(1 for k in keys if truth.get(k, ("",))[0] == klass)
    return hit / max(said, 1), hit / max(real, 1)
