"""Runs of windows with one class and one deciding detector, and the evidence for each run: the
mean of every field its detector read, over the run's windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from suanli.metering.detectors import Features
from suanli.metering.grid import Grid

Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Segments:
    """Parallel arrays, sorted by GPU then time; windows `w0:w1` of grid row `gpu`."""

    gpu: Ints
    w0: Ints
    w1: Ints
    klass: NDArray[np.int8]
    rule: NDArray[np.int16]
    first_row: Ints  # rollup row of the first window, -1 when it has none

    def __len__(self) -> int:
        return len(self.gpu)


def find_segments(grid: Grid) -> Segments:
    g, w = grid.klass.shape
    key = grid.klass.astype(np.int64) * 65_536 + grid.rule
    change = np.ones((g, w), np.bool_)
    change[:, 1:] = key[:, 1:] != key[:, :-1]
    starts = np.flatnonzero(change.ravel())
    gpu = starts // w
    ends = np.r_[starts[1:], g * w]
    flat_klass, flat_rule = grid.klass.ravel(), grid.rule.ravel()
    return Segments(
        gpu,
        starts % w,
        ends - gpu * w,
        flat_klass[starts],
        flat_rule[starts],
        grid.row.ravel()[starts],
    )


def segment_means(
    segments: Segments, grid: Grid, features: Features, names: tuple[str, ...]
) -> dict[str, NDArray[np.float64]]:
    """Per segment, the mean of each named feature over its rows (NaN where it has none)."""
    last_row = grid.row[segments.gpu, segments.w1 - 1]
    valid = (segments.first_row >= 0) & (last_row >= segments.first_row)
    lo = np.where(valid, segments.first_row, 0)
    hi = np.where(valid, last_row + 1, 0)
    means = {}
    for name in names:
        x = features[name]
        finite = np.isfinite(x)
        total = np.r_[0.0, np.cumsum(np.where(finite, x, 0.0))]
        count = np.r_[0, np.cumsum(finite)]
        with np.errstate(invalid="ignore", divide="ignore"):
            means[name] = (total[hi] - total[lo]) / (count[hi] - count[lo])
    return means
