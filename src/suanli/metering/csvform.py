"""The CSV form of telemetry: one sample per row, for sites that export from a database.

Columns (a header row names them, in any order; other columns are ignored):
    timestamp_ms  required  epoch milliseconds, UTC
    gpu_uuid      required  the GPU's UUID
    field         required  a DCGM name (DCGM_FI_PROF_SM_ACTIVE), its DCGM 4 `_RATIO` name, a
                            dcgm-exporter 1.x name, a suanli column (sm_active) or the field id
    value         required  as in the text formats: NaN/Inf and DCGM blanks are dropped, shares
                            may be 0–1 or 0–100
    site          optional  else the site given (--site)
    hostname      optional  the node
    job           optional  the workload
    model         optional  the GPU model name
A malformed row raises `DataFileError` as `FILE:LINE: message`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from suanli.errors import DataFileError
from suanli.metering.arrow import read_csv_strings
from suanli.metering.columns import FileStats, Samples, SeriesTable
from suanli.metering.fields import UNKNOWN, Scale, match_name
from suanli.metering.identity import IdentityError, Series, check_site_id
from suanli.metering.values import (
    BadTextError,
    blank_or_nonfinite,
    check_ts_range,
    scale_shares,
    to_float,
    to_ts_ms,
)

REQUIRED = ("timestamp_ms", "gpu_uuid", "field", "value")
OPTIONAL = ("site", "hostname", "job", "model")
FORMAT = "csv"


@dataclass(frozen=True, slots=True)
class _FieldColumn:
    """The `field` column decoded: per row a source-name code; per name its field and scale."""

    names: NDArray[np.int64]
    text: list[str]
    fields: list[int]
    scales: list[Scale | None]

    def row_fields(self) -> NDArray[np.int64]:
        return np.array(self.fields, np.int64)[self.names]


def parse_csv(
    path: Path, series: SeriesTable, site: str | None = None
) -> tuple[Samples, FileStats]:
    """All samples of a telemetry CSV, their reporters registered in `series`."""
    table = _read(path)
    stats = FileStats(str(path), FORMAT, lines=table.num_rows + 1, samples=table.num_rows)
    names = _field_column(table.column("field"))
    fields = names.row_fields()
    rows = np.flatnonzero(fields != UNKNOWN)
    unknown = np.bincount(names.names[fields == UNKNOWN], minlength=len(names.text))
    stats.ignored_names.update({names.text[k]: int(unknown[k]) for k in np.flatnonzero(unknown)})
    value, ts = _numbers(path, table, rows)
    codes = _series(path, table, rows, series, site)
    keep = ~blank_or_nonfinite(value)
    stats.dropped_blank = int(len(keep) - keep.sum())
    samples = Samples(codes[keep], fields[rows][keep].astype(np.int8), ts[keep], value[keep])
    samples, stats.dropped_out_of_range = scale_shares(
        samples, names.names[rows][keep], names.fields, names.scales
    )
    stats.stored = len(samples)
    return samples, stats


def _numbers(
    path: Path, table: pa.Table, rows: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    take = pa.array(rows)
    try:
        value = to_float(table.column("value").take(take))
        ts = to_ts_ms(table.column("timestamp_ms").take(take), openmetrics=False)
    except BadTextError as exc:
        raise _fail(path, int(rows[exc.index]), str(exc)) from None
    bad = check_ts_range(ts)
    if bad is not None:
        raise _fail(path, int(rows[bad]), f"timestamp_ms {ts[bad]} is not epoch ms in 2000–2100")
    return value, ts


def _read(path: Path) -> pa.Table:
    try:
        table = read_csv_strings(path, REQUIRED + OPTIONAL)
    except FileNotFoundError:
        raise DataFileError(f"{path}: cannot read: no such file") from None
    except pa.ArrowInvalid as exc:
        raise _locate(path, str(exc)) from None
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise DataFileError(f"{path}:1: header lacks column(s) {', '.join(missing)}")
    return table


def _field_column(column: pa.ChunkedArray) -> _FieldColumn:
    encoded = column.combine_chunks().dictionary_encode()
    text = [str(name) for name in encoded.dictionary.to_pylist()]
    matches = [match_name(name) for name in text]
    names = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return _FieldColumn(names, text, [m.code for m in matches], [m.scale for m in matches])


def _series(
    path: Path, table: pa.Table, rows: NDArray[np.int64], series: SeriesTable, site: str | None
) -> NDArray[np.int32]:
    """Each row's reporter code; one `Series` per distinct combination of identity columns."""
    columns = [
        _codes(table, name, rows) for name in ("site", "hostname", "gpu_uuid", "job", "model")
    ]
    key = np.zeros(len(rows), np.int64)
    for codes, values in columns:
        key = key * (len(values) + 1) + codes
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    table_codes = np.empty(len(unique), np.int32)
    for k, row in enumerate(first):
        parts = [values[codes[row]] for codes, values in columns]
        try:
            table_codes[k] = series.add(_identity(parts, site))
        except IdentityError as exc:
            raise _fail(path, int(rows[row]), str(exc)) from None
    return table_codes[inverse]


def _codes(
    table: pa.Table, name: str, rows: NDArray[np.int64]
) -> tuple[NDArray[np.int64], list[str]]:
    if name not in table.column_names:
        return np.zeros(len(rows), np.int64), [""]
    encoded = table.column(name).combine_chunks().take(pa.array(rows)).dictionary_encode()
    return encoded.indices.to_numpy(zero_copy_only=False).astype(
        np.int64
    ), encoded.dictionary.to_pylist()


def _identity(parts: list[str], given: str | None) -> Series:
    site, node, gpu, job, model = parts
    if site and given and site != given:
        raise IdentityError(f"site column says {site!r} but the site given is {given!r}")
    site = site or given or ""
    if not site:
        raise IdentityError("no site: add a site column or give the site (--site)")
    check_site_id(site)
    if not gpu:
        raise IdentityError("gpu_uuid is empty")
    return Series(site, node, gpu, job, model)


def _fail(path: Path, row: int, message: str) -> DataFileError:
    return DataFileError(f"{path}:{_line_of_row(path, row)}: {message}")


def _line_of_row(path: Path, row: int) -> int:
    """The file line where data row `row` (0-based, after the header) starts."""
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        line = 1
        for index, _ in enumerate(reader):
            if index == row + 1:
                return line
            line = reader.line_num + 1
    return line


def _locate(path: Path, message: str) -> DataFileError:
    """Find the row Arrow's CSV reader stumbled on: the first with the wrong column count."""
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for row in reader:
            if len(row) != len(header):
                return DataFileError(
                    f"{path}:{reader.line_num}: expected {len(header)} columns, got {len(row)}"
                )
    return DataFileError(f"{path}: {message}")
