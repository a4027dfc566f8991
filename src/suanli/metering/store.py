"""The telemetry store: Parquet files partitioned by site and UTC day, read with DuckDB.

Layout under the store directory:
    samples/site=SITE/day=YYYY-MM-DD/part-BATCH.parquet   what queries read
    _staging/BATCH/...                                    a batch being written

A batch is stored whole or not at all: every file is written under `_staging/BATCH/`, then a
`COMMIT` list is written (the point of no return), then the files are moved into `samples/`.
Opening a store finishes a committed batch that a crash interrupted and deletes an uncommitted
one; the writer holds a lock on its stage (flock) so that no other process takes it for a crash.
Readers may see part of a batch while it is being moved in. A batch's id is a hash of its
content, so ingesting the same files again replaces, not duplicates, them; different batches that
overlap are not deduplicated.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from suanli.errors import DataFileError
from suanli.metering.arrow import write_parquet
from suanli.metering.pivot import Partition

COMMIT = "COMMIT"
LOCK = ".lock"
COMPRESSION = "zstd"


class TelemetryStore:
    """A store directory; `recover()` runs on opening."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.samples = self.root / "samples"
        self.staging = self.root / "_staging"
        self.recover()

    def recover(self) -> None:
        """Finish committed batches a crash interrupted; drop uncommitted ones. A batch another
        process is writing (its stage locked) is left alone."""
        if not self.staging.is_dir():
            return
        for stage in sorted(p for p in self.staging.iterdir() if p.is_dir()):
            with claim(stage) as free:
                if not free:
                    continue
                if (stage / COMMIT).is_file():
                    self._publish(stage)
                else:
                    shutil.rmtree(stage)

    def write_batch(self, batch: str, parts: Iterable[Partition]) -> list[str]:
        """Write every partition of a batch, atomically as a set; returns their relative paths."""
        stage = self.staging / batch
        with claim(stage) as free:
            if not free:
                raise DataFileError(
                    f"{self.root}: batch {batch} is being stored by another process"
                )
            _empty(stage)
            written = [self._stage(stage, batch, part) for part in parts]
            (stage / COMMIT).write_text("".join(f"{w}\n" for w in written), encoding="utf-8")
            self._publish(stage)
        return written

    def _stage(self, stage: Path, batch: str, part: Partition) -> str:
        relative = f"site={part.site}/day={part.day}/part-{batch}.parquet"
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(part.table, target, COMPRESSION)
        return relative

    def _publish(self, stage: Path) -> None:
        for relative in (stage / COMMIT).read_text(encoding="utf-8").split():
            source, target = stage / relative, self.samples / relative
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                source.replace(target)
        shutil.rmtree(stage)

    def files(self, site: str | None = None) -> list[Path]:
        """The stored Parquet files, of one site or all."""
        pattern = f"site={site}/day=*/*.parquet" if site else "site=*/day=*/*.parquet"
        return sorted(self.samples.glob(pattern))

    def sites(self) -> list[str]:
        """Sites with data in the store."""
        if not self.samples.is_dir():
            return []
        return sorted(p.name.removeprefix("site=") for p in self.samples.glob("site=*"))

    def scan(self, connection: duckdb.DuckDBPyConnection, site: str | None = None) -> str:
        """Register the stored rows as view `samples` (with `site` and `day` columns); returns
        its name. Raises `DataFileError` when the store holds no data."""
        files = self.files(site)
        if not files:
            where = f" for site {site}" if site else ""
            raise DataFileError(f"{self.root}: no telemetry stored{where}; run suanli meter ingest")
        pattern = str(self.samples / f"site={site or '*'}" / "day=*" / "*.parquet")
        connection.execute(
            "CREATE OR REPLACE TEMP VIEW samples AS SELECT * FROM read_parquet("
            f"{_quote(pattern)}, hive_partitioning = true, "
            "hive_types = {'site': VARCHAR, 'day': DATE})"
        )
        return "samples"


@contextmanager
def claim(stage: Path) -> Iterator[bool]:
    """Hold the stage's lock while the block runs; yields False when another process holds it."""
    stage.mkdir(parents=True, exist_ok=True)
    with (stage / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def _empty(stage: Path) -> None:
    """Remove what an earlier, interrupted attempt left in the stage, but not its lock."""
    for item in stage.iterdir():
        if item.name != LOCK:
            shutil.rmtree(item) if item.is_dir() else item.unlink()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
