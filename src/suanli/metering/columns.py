"""Parsed samples held as columns (no object per sample), and the registry of who sent them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from suanli.metering.identity import Series


@dataclass(slots=True)
class SeriesTable:
    """Every distinct reporter (site, node, GPU, job, model) of a batch, numbered from 0."""

    items: list[Series] = field(default_factory=list)
    index: dict[Series, int] = field(default_factory=dict)

    def add(self, series: Series) -> int:
        code = self.index.get(series)
        if code is None:
            code = self.index[series] = len(self.items)
            self.items.append(series)
        return code


@dataclass(frozen=True, slots=True)
class Samples:
    """Parallel columns: reporter code, field code, epoch milliseconds, value."""

    series: NDArray[np.int32]
    field: NDArray[np.int8]
    ts_ms: NDArray[np.int64]
    value: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.value)

    def take(self, rows: NDArray[np.intp] | NDArray[np.bool_]) -> Samples:
        return Samples(self.series[rows], self.field[rows], self.ts_ms[rows], self.value[rows])

    @staticmethod
    def concat(parts: Sequence[Samples]) -> Samples:
        if not parts:
            return Samples.empty()
        return Samples(
            np.concatenate([p.series for p in parts]),
            np.concatenate([p.field for p in parts]),
            np.concatenate([p.ts_ms for p in parts]),
            np.concatenate([p.value for p in parts]),
        )

    @staticmethod
    def empty() -> Samples:
        return Samples(
            np.empty(0, np.int32), np.empty(0, np.int8), np.empty(0, np.int64), np.empty(0)
        )


@dataclass(slots=True)
class FileStats:
    """What one file held and what became of it."""

    file: str
    format: str
    lines: int = 0
    samples: int = 0
    stored: int = 0
    dropped_blank: int = 0
    dropped_out_of_range: int = 0
    ignored_names: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "format": self.format,
            "lines": self.lines,
            "samples": self.samples,
            "stored": self.stored,
            "dropped_blank": self.dropped_blank,
            "dropped_out_of_range": self.dropped_out_of_range,
            "ignored": dict(sorted(self.ignored_names.items())),
        }
