"""Small builders shared by the metering tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from suanli.metering.columns import FileStats, Samples, SeriesTable
from suanli.metering.exposition import ParseOptions, parse_exposition
from suanli.metering.fields import field_by_column

UUID = "GPU-0000aaaa-1111-2222-3333-444455556666"
LABELS = f'gpu="0",UUID="{UUID}",modelName="NVIDIA H100 80GB HBM3",Hostname="node-1",site="s1"'
T0 = 1_751_328_000_000  # 2025-07-01T00:00:00Z


def line(name: str, value: str, ts: str | int | None = T0, labels: str = LABELS) -> str:
    stamp = "" if ts is None else f" {ts}"
    return f"{name}{{{labels}}} {value}{stamp}"


def parse_text(
    tmp: Path, text: str, name: str = "m.prom", **options: object
) -> tuple[Samples, FileStats, SeriesTable]:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    series = SeriesTable()
    samples, stats = parse_exposition(path, series, ParseOptions(**options))  # type: ignore[arg-type]
    return samples, stats, series


def values_of(samples: Samples, column: str) -> np.ndarray:
    return samples.value[samples.field == field_by_column(column)]
