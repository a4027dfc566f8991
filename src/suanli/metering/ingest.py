"""Ingest a batch of telemetry files into a store: all of them are parsed before anything is
written, so one malformed line stores nothing (`DataFileError`, `FILE:LINE: message`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from suanli.errors import DataFileError
from suanli.metering.columns import FileStats, Samples, SeriesTable
from suanli.metering.csvform import parse_csv
from suanli.metering.exposition import ParseOptions, parse_exposition
from suanli.metering.pivot import Rows, partitions, pivot
from suanli.metering.store import TelemetryStore

DEFAULT_OPTIONS = ParseOptions()
Progress = Callable[[int, int, Path], None]
"""Called before each file with (index, count, path)."""
Admit = Callable[[tuple[str, ...]], None]
"""Called with the batch's sites after parsing, before anything is written; raising stores
nothing (the exchange refuses sites that are not the caller's)."""


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What a batch held and where it went."""

    batch: str
    store: str
    files: tuple[FileStats, ...]
    samples: int
    rows: int
    gpus: int
    sites: tuple[str, ...]
    partitions: tuple[str, ...]
    first_ts_ms: int | None
    last_ts_ms: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "store": self.store,
            "samples_stored": self.samples,
            "rows": self.rows,
            "gpus": self.gpus,
            "sites": list(self.sites),
            "first_ts_ms": self.first_ts_ms,
            "last_ts_ms": self.last_ts_ms,
            "partitions": list(self.partitions),
            "files": [f.to_dict() for f in self.files],
        }


def parse_file(path: Path, series: SeriesTable, options: ParseOptions) -> tuple[Samples, FileStats]:
    """One file by its kind: `.csv` is the CSV form, anything else exposition text."""
    if path.suffix.lower() == ".csv":
        return parse_csv(path, series, options.site)
    return parse_exposition(path, series, options)


def ingest(
    files: Sequence[Path],
    store_dir: Path,
    options: ParseOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
    admit: Admit | None = None,
) -> IngestReport:
    """Parse every file, then store the batch whole, partitioned by site and day (after
    `admit` accepted its sites)."""
    if not files:
        raise DataFileError("no files to ingest; name one or more telemetry files")
    series = SeriesTable()
    parsed, stats = [], []
    for index, path in enumerate(files):
        if progress:
            progress(index, len(files), path)
        samples, file_stats = parse_file(Path(path), series, options)
        parsed.append(samples)
        stats.append(file_stats)
    rows = pivot(Samples.concat(parsed))
    if admit is not None:
        admit(tuple(sorted({series.items[int(k)].site for k in np.unique(rows.series)})))
    batch = batch_id(rows, series)
    store = TelemetryStore(store_dir)
    written = store.write_batch(batch, partitions(rows, series)) if len(rows.ts_ms) else []
    return _report(batch, store_dir, stats, rows, series, written)


def batch_id(rows: Rows, series: SeriesTable) -> str:
    """A hash of the batch's content: the same files give the same id."""
    digest = hashlib.blake2b(digest_size=10)
    digest.update(repr(series.items).encode("utf-8"))
    for array in (rows.series, rows.ts_ms, rows.values):
        digest.update(np.ascontiguousarray(array).data)
    return digest.hexdigest()


def _report(
    batch: str,
    store_dir: Path,
    stats: list[FileStats],
    rows: Rows,
    series: SeriesTable,
    written: list[str],
) -> IngestReport:
    present = np.unique(rows.series)
    reporters = [series.items[int(k)] for k in present]
    return IngestReport(
        batch=batch,
        store=str(store_dir),
        files=tuple(stats),
        samples=sum(s.stored for s in stats),
        rows=len(rows.ts_ms),
        gpus=len({(s.site, s.gpu_uuid) for s in reporters}),
        sites=tuple(sorted({s.site for s in reporters})),
        partitions=tuple(written),
        first_ts_ms=int(rows.ts_ms.min()) if len(rows.ts_ms) else None,
        last_ts_ms=int(rows.ts_ms.max()) if len(rows.ts_ms) else None,
    )
