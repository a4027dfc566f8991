"""Samples (one row per value) -> stored rows (one per GPU and timestamp, one column per field),
split by site and UTC day, as Arrow tables ready for Parquet.

The stored schema: `ts_ms`, `node`, `gpu_uuid`, `job` ("" when none), `model`, then one float64
column per field of `fields.FIELDS`, null where the sample did not carry that field. `site` and
`day` are the partition directories, not columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from suanli.errors import DataFileError
from suanli.metering.columns import Samples, SeriesTable
from suanli.metering.fields import COLUMNS

DAY_MS = 86_400_000
LABELS = ("node", "gpu_uuid", "job", "model")
SCHEMA = pa.schema(
    [("ts_ms", pa.int64())]
    + [(name, pa.dictionary(pa.int32(), pa.string())) for name in LABELS]
    + [(name, pa.float64()) for name in COLUMNS]
)


@dataclass(frozen=True, slots=True)
class Partition:
    """The rows of one site and one UTC day."""

    site: str
    day: str
    table: pa.Table


@dataclass(frozen=True, slots=True)
class Rows:
    """Samples pivoted: one row per (series, timestamp), sorted by series then time."""

    series: NDArray[np.int64]
    ts_ms: NDArray[np.int64]
    values: NDArray[np.float64]  # fields × rows, NaN where absent


def pivot(samples: Samples) -> Rows:
    """One row per reporter and timestamp; the last sample wins for a repeated field."""
    if not len(samples):
        return Rows(np.empty(0, np.int64), np.empty(0, np.int64), np.empty((len(COLUMNS), 0)))
    t0 = int(samples.ts_ms.min())
    span = int(samples.ts_ms.max()) - t0 + 1
    if span * (int(samples.series.max()) + 1) >= 2**62:  # the row key below would overflow
        raise DataFileError("one batch spans too many GPUs for too long; ingest it in parts")
    key = samples.series.astype(np.int64) * span + (samples.ts_ms - t0)
    unique, inverse = np.unique(key, return_inverse=True)
    values = np.full((len(COLUMNS), len(unique)), np.nan)
    values[samples.field, inverse] = samples.value
    return Rows(unique // span, unique % span + t0, values)


def partitions(rows: Rows, series: SeriesTable) -> Iterator[Partition]:
    """The rows split by site and day, each as an Arrow table in `SCHEMA`."""
    sites = sorted({s.site for s in series.items})
    site_of = np.array([sites.index(s.site) for s in series.items], np.int64)
    day = rows.ts_ms // DAY_MS
    part = site_of[rows.series] * (int(day.max(initial=0)) + 1) + day
    order = np.argsort(part, kind="stable")
    bounds = np.flatnonzero(np.diff(part[order])) + 1
    labels = _label_dictionaries(series)
    for chunk in np.split(order, bounds) if len(order) else []:
        first = int(chunk[0])
        yield Partition(
            site=series.items[int(rows.series[first])].site,
            day=_day_name(int(day[first])),
            table=_table(rows, chunk, labels),
        )


def _label_dictionaries(series: SeriesTable) -> dict[str, tuple[NDArray[np.int32], pa.Array]]:
    """Per label: each series' index into a dictionary of the label's distinct values."""
    out = {}
    for name in LABELS:
        values = [getattr(s, name) for s in series.items]
        distinct = sorted(set(values))
        where = {v: i for i, v in enumerate(distinct)}
        out[name] = (
            np.array([where[v] for v in values], np.int32),
            pa.array(distinct, pa.string()),
        )
    return out


def _table(
    rows: Rows, chunk: NDArray[np.intp], labels: dict[str, tuple[NDArray[np.int32], pa.Array]]
) -> pa.Table:
    series = rows.series[chunk]
    arrays: list[pa.Array] = [pa.array(rows.ts_ms[chunk])]
    for name in LABELS:
        index, dictionary = labels[name]
        arrays.append(pa.DictionaryArray.from_arrays(index[series], dictionary))
    values = rows.values[:, chunk]
    arrays += [pa.array(column, from_pandas=True) for column in values]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _day_name(day: int) -> str:
    return str(np.datetime64(day, "D"))
