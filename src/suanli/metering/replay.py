"""Replay detection: windows whose exact power readings repeat an earlier window's.

Each window's fingerprint is an order-free hash of its exact power readings (`rollup`): two
windows share it only if they hold the same readings, which honest GPUs reporting milliwatts do
not. Steps, all vectorised:
1. keep windows with enough samples and a power line that moves (a flat line proves nothing);
2. group equal fingerprints (ignoring groups larger than `max_copies`: a stuck sensor); in each,
   the earliest window (then the lowest GPU number) is the original and every other a copy;
3. keep copies that line up: at least `min_run_windows` consecutive windows copying the same
   source GPU at the same time offset.
A copy of another GPU at the same instant cannot be told from its original; the lower-numbered
GPU is taken as the original. Copies shifted by less than a window are not caught here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from suanli.metering.rollup import Rollups

Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Replays:
    """Per rollup row: whether it is a replayed copy and the row it copies (-1 if none)."""

    mask: NDArray[np.bool_]
    source: Ints


def find_replays(r: Rollups, p: Mapping[str, float]) -> Replays:
    eligible = (r.samples >= p["min_samples"]) & (r.values["power_w_std"] >= p["min_power_std_w"])
    rows = np.flatnonzero(eligible & (r.fingerprint != 0))
    copies, sources = _copies(r, rows, int(p["max_copies"]))
    keep = _long_runs(r, copies, sources, int(p["min_run_windows"]))
    mask = np.zeros(len(r), np.bool_)
    source = np.full(len(r), -1, np.int64)
    mask[copies[keep]] = True
    source[copies[keep]] = sources[keep]
    return Replays(mask, source)


def _copies(r: Rollups, rows: Ints, max_copies: int) -> tuple[Ints, Ints]:
    """Every row whose fingerprint an earlier row already had, with that earliest row."""
    if not len(rows):
        return rows, rows
    fingerprint = r.fingerprint[rows]
    order = rows[np.lexsort((r.gpu[rows], r.start_ms[rows], fingerprint))]
    sorted_fp = r.fingerprint[order]
    starts = np.flatnonzero(np.r_[True, sorted_fp[1:] != sorted_fp[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    group = np.repeat(np.arange(len(starts)), sizes)
    first = order[starts][group]
    is_copy = (order != first) & (sizes[group] <= max_copies)
    return order[is_copy], first[is_copy]


def _long_runs(r: Rollups, copies: Ints, sources: Ints, min_run: int) -> NDArray[np.bool_]:
    """Which copies belong to runs of `min_run` consecutive windows with one source and offset."""
    if not len(copies):
        return np.zeros(0, np.bool_)
    offset = r.start_ms[copies] - r.start_ms[sources]
    order = np.lexsort((r.start_ms[copies], offset, r.gpu[sources], r.gpu[copies]))
    gpu, src, off = r.gpu[copies][order], r.gpu[sources][order], offset[order]
    start = r.start_ms[copies][order]
    same = (gpu[1:] == gpu[:-1]) & (src[1:] == src[:-1]) & (off[1:] == off[:-1])
    chained = np.r_[False, same & (start[1:] - start[:-1] == r.window_ms)]
    run = np.cumsum(~chained)
    lengths = np.bincount(run)
    keep = np.empty(len(copies), np.bool_)
    keep[order] = lengths[run] >= min_run
    return keep
