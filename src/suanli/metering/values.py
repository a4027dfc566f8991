"""Numbers from text, column at a time: values, timestamps, DCGM blanks and share scales."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from suanli.metering.arrow import ArrowError, cast, float64s, to_numpy
from suanli.metering.columns import Samples
from suanli.metering.fields import FIELDS, Scale

INT64_BLANK = 9.2e18
"""DCGM's int64 blank and its NOT_FOUND/NOT_SUPPORTED/NOT_PERMISSIONED neighbours (0x7ff...ff0+k)
all read as about 9.22e18; anything this large is a blank, never a measurement."""
INT32_BLANK = 0x7FFFFFF0
FP64_BLANK = 140737488355328.0
"""2**47: DCGM's double blank; like the int32 blank it has three neighbours (+1, +2, +3)."""
MIN_TS_MS = 946_684_800_000  # 2000-01-01
MAX_TS_MS = 4_102_444_800_000  # 2100-01-01
SHARE_SLACK = 1.0 + 1e-6


class BadTextError(ValueError):
    """A value or timestamp that does not parse; `index` is its position in the column."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def to_float(texts: pa.Array, what: str = "value") -> NDArray[np.float64]:
    """The column as doubles (NaN, +Inf, -Inf included); `BadTextError` names the first bad."""
    try:
        return float64s(texts)
    except ArrowError:
        raise _first_bad(texts, pa.float64(), f"{what} is not a number") from None


def to_ts_ms(texts: pa.Array, openmetrics: bool) -> NDArray[np.int64]:
    """Timestamps as epoch milliseconds: OpenMetrics gives (float) seconds, 0.0.4 integer ms."""
    if openmetrics:
        seconds = to_float(texts, "timestamp")
        return np.rint(seconds * 1000.0).astype(np.int64)
    try:
        return to_numpy(cast(texts, pa.int64()))
    except ArrowError:
        message = (
            "timestamp is not integer milliseconds (Prometheus text 0.0.4; an OpenMetrics file "
            "with float seconds must end with '# EOF')"
        )
        raise _first_bad(texts, pa.int64(), message) from None


def _first_bad(texts: pa.Array, target: pa.DataType, message: str) -> BadTextError:
    for index, text in enumerate(texts.to_pylist()):
        try:
            cast(pa.array([text], pa.string()), target)
        except ArrowError:
            return BadTextError(index, f"{message}: {text!r}")
    return BadTextError(0, message)


def check_ts_range(ts_ms: NDArray[np.int64]) -> int | None:
    """Index of the first timestamp outside 2000–2100 (seconds given as ms, say), else None."""
    bad = (ts_ms < MIN_TS_MS) | (ts_ms >= MAX_TS_MS)
    return int(np.argmax(bad)) if bad.any() else None


def blank_or_nonfinite(values: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Samples to drop, not average: NaN, ±Inf and DCGM's blank sentinels."""
    drop = ~np.isfinite(values) | (np.abs(values) >= INT64_BLANK)
    drop |= (values >= INT32_BLANK) & (values <= INT32_BLANK + 3) & (values == np.round(values))
    drop |= (values >= FP64_BLANK) & (values <= FP64_BLANK + 3) & (values == np.round(values))
    return drop


def share_scale(field_code: int, declared: Scale | None, values: NDArray[np.float64]) -> float:
    """The divisor that brings a share field to 0–1: 100 when its name or `# UNIT` says percent,
    or when any value exceeds 1 (a 0–1 field cannot); else 1. Non-share fields: 1."""
    if FIELDS[field_code].scale is None:
        return 1.0
    if declared == "percent" or (len(values) and float(values.max()) > SHARE_SLACK):
        return 100.0
    return 1.0


def scale_shares(
    samples: Samples,
    names: NDArray[np.int64],
    name_fields: list[int],
    declared: list[Scale | None],
) -> tuple[Samples, int]:
    """Bring every share field to 0–1, per source name (`names[i]` indexes `name_fields` and
    `declared`); drops shares outside 0–1 afterwards and returns how many were dropped."""
    value = samples.value
    share = np.zeros(len(value), np.bool_)
    for code in np.flatnonzero(np.bincount(names)) if len(names) else []:
        field = name_fields[code]
        if FIELDS[field].scale is None:
            continue
        rows = names == code
        share |= rows
        value[rows] /= share_scale(field, declared[code], value[rows])
    keep = ~share | ((value >= 0.0) & (value <= SHARE_SLACK))
    np.minimum(value, 1.0, out=value, where=share)
    dropped = int(len(keep) - keep.sum())
    return (samples.take(keep) if dropped else samples), dropped
