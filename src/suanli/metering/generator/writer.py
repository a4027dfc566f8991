"""Write generated series as dcgm-exporter would expose them, one file per node and chunk.

Each scrape is written whole, as a scrape dump: per metric family a `# HELP` and `# TYPE` line,
then one line per GPU of the node with dcgm-exporter's labels (plus Kubernetes pod labels and
the `site` external label) and the scrape's timestamp. The node's dialect decides the format
(see `fleet.DIALECTS`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from suanli.metering.fields import FIELDS, field_by_column
from suanli.metering.generator.fleet import Gpu
from suanli.metering.generator.timeline import EMITTED, Chunk
from suanli.metering.labels import escape

MODEL_NAMES = {
    "H100": "NVIDIA H100 80GB HBM3",
    "H800": "NVIDIA H800",
    "A100": "NVIDIA A100-SXM4-80GB",
}
DRIVER = "550.54.15"
Formatter = Callable[[NDArray[np.float64]], list[str]]


def suffix(dialect: str) -> str:
    return ".om" if dialect == "openmetrics" else ".prom"


def write_node(path: Path, gpus: Sequence[Gpu], chunk: Chunk) -> int:
    """Write the node's scrapes in `chunk` to `path`; returns the number of sample lines."""
    dialect = gpus[0].dialect
    rows = [g.index for g in gpus]
    families = [_family(column, dialect) for column in EMITTED]
    texts = {c: [_formatter(c, dialect)(chunk.values[c][r]) for r in rows] for c in EMITTED}
    stamps = _stamps(chunk.ts_ms[rows[0]], dialect)
    prefixes = [[f"{name}{{{_labels(g)}}} " for g in gpus] for _, name, _ in families]
    present = chunk.present[rows]
    lines: list[str] = []
    for k, stamp in enumerate(stamps):
        reporting = np.flatnonzero(present[:, k])
        if not len(reporting):
            continue
        for (header, _, column), prefix in zip(families, prefixes, strict=True):
            lines += header
            lines += [f"{prefix[i]}{texts[column][i][k]} {stamp}" for i in reporting]
    if dialect == "openmetrics":
        lines.append("# EOF")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(1 for line in lines if not line.startswith("#"))


def _family(column: str, dialect: str) -> tuple[list[str], str, str]:
    """HELP/TYPE lines, the sample name and the column of one metric family."""
    spec = FIELDS[field_by_column(column)]
    family = spec.dcgm_name
    if dialect == "dcgm4-ratio" and spec.scale == "ratio":
        family += "_RATIO"
    kind = "counter" if spec.counter else "gauge"
    name = f"{family}_total" if spec.counter and dialect == "openmetrics" else family
    header = [
        f"# HELP {family} DCGM field {spec.dcgm_id} ({spec.unit}).",
        f"# TYPE {family} {kind}",
    ]
    return header, name, column


def _formatter(column: str, dialect: str) -> Formatter:
    spec = FIELDS[field_by_column(column)]
    if spec.scale == "percent":
        return lambda a: [str(v) for v in np.rint(a * 100).astype(np.int64).tolist()]
    if spec.scale == "ratio" and dialect == "percent":
        return lambda a: [f"{v:.4f}" for v in (a * 100).tolist()]
    if spec.scale == "ratio":
        return lambda a: [f"{v:.6f}" for v in a.tolist()]
    if column == "power_w":
        return lambda a: [f"{v:.3f}" for v in a.tolist()]
    return lambda a: [str(v) for v in a.astype(np.int64).tolist()]


def _stamps(ts_ms: NDArray[np.int64], dialect: str) -> list[str]:
    if dialect == "openmetrics":
        return [f"{v / 1000:.3f}" for v in ts_ms.tolist()]
    return [str(v) for v in ts_ms.tolist()]


def _labels(gpu: Gpu) -> str:
    slot = gpu.index % 8
    namespace, _, pod = gpu.job.rpartition("/")
    workload = {"namespace": namespace, "pod": pod} if namespace else {"suanli_job": pod}
    pairs = {
        "gpu": str(slot),
        "UUID": gpu.uuid,
        "pci_bus_id": f"00000000:{0x18 + 0x10 * slot:02X}:00.0",
        "device": f"nvidia{slot}",
        "modelName": MODEL_NAMES.get(gpu.model, f"NVIDIA {gpu.model}"),
        "Hostname": gpu.node,
        "DCGM_FI_DRIVER_VERSION": DRIVER,
        "container": "main",
        **workload,
        "site": gpu.site,
    }
    return ",".join(f'{k}="{escape(v)}"' for k, v in pairs.items())
