"""Rollups per GPU per window (5 minutes by default), computed by DuckDB from the stored rows.

Per window: the sample count; the mean of every field; the standard deviation of power, SM and
tensor activity (plateau detection; from the mean of squares, which DuckDB sums faster than it
runs `stddev_pop`); the max XID; the power fingerprint (an order-free hash of the exact power
readings, for replay detection); and the energy delta from the counter (field 156): the last
(largest) reading of this window minus the last reading of the previous window when that window
is the one just before and the counter did not go back, else last minus first within the window
(a counter reset inside a window loses that window's energy). `energy_w` is that delta over the
time it spans: the board's average power, which NVML's sampled power may miss (DOMAIN.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from suanli.metering.arrow import fill_null, float64s, to_numpy
from suanli.metering.fields import COLUMNS
from suanli.metering.store import TelemetryStore

WINDOW_MS = 300_000
MEAN_COLUMNS = tuple(c for c in COLUMNS if c not in ("energy_mj", "xid"))
STD_COLUMNS = ("power_w", "sm_active", "tensor_active")
LABELS = ("site", "gpu_uuid", "node", "job", "model")


@dataclass(frozen=True, slots=True)
class Rollups:
    """One row per GPU and window, sorted by site, GPU, window. `labels[name]` holds codes into
    `dictionaries[name]`; `gpu` numbers each distinct (site, gpu_uuid) in order."""

    window_ms: int
    gpu: NDArray[np.int64]
    start_ms: NDArray[np.int64]
    samples: NDArray[np.int64]
    values: dict[str, NDArray[np.float64]]
    fingerprint: NDArray[np.uint64]
    labels: dict[str, NDArray[np.int64]]
    dictionaries: dict[str, list[str]]

    def __len__(self) -> int:
        return len(self.start_ms)

    def label(self, name: str, row: int) -> str:
        return self.dictionaries[name][int(self.labels[name][row])]


def rollup_sql(window_ms: int, where: str) -> str:
    means = ", ".join(f"avg({c}) AS {c}" for c in MEAN_COLUMNS)
    squares = ", ".join(f"avg({c} * {c}) AS {c}_sq" for c in STD_COLUMNS)
    energy = "FILTER (WHERE energy_mj IS NOT NULL)"
    return f"""
        SELECT site, gpu_uuid, (ts_ms // {window_ms}) * {window_ms} AS start_ms,
               count(*) AS samples, any_value(node) AS node, any_value(job) AS job,
               any_value(model) AS model, {means}, {squares}, max(xid) AS xid,
               min(energy_mj) AS energy_first_mj, min(ts_ms) {energy} AS energy_first_ms,
               max(energy_mj) AS energy_last_mj, max(ts_ms) {energy} AS energy_last_ms,
               bit_xor(hash(power_w)) FILTER (WHERE power_w IS NOT NULL) AS power_fingerprint
        FROM samples {where}
        GROUP BY ALL
        ORDER BY site, gpu_uuid, start_ms
    """


def rollups(
    store: TelemetryStore,
    site: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    window_ms: int = WINDOW_MS,
) -> Rollups:
    """The rollups of the store's rows in [start_ms, end_ms) (whole windows), of one site or all."""
    if not store.files(site):
        return empty_rollups(window_ms)
    connection = duckdb.connect()
    try:
        connection.execute("SET enable_progress_bar = false")  # stdout may carry --json
        store.scan(connection, site)
        where, params = _where(start_ms, end_ms)
        result = connection.execute(rollup_sql(window_ms, where), params).arrow()
        table = result.read_all() if hasattr(result, "read_all") else result  # DuckDB >= 1.4
    finally:
        connection.close()
    return _from_table(table, window_ms)


def empty_rollups(window_ms: int) -> Rollups:
    """No windows at all (an empty store, or a site without data)."""
    none = np.empty(0, np.int64)
    values = {c: np.empty(0) for c in (*MEAN_COLUMNS, "xid", "energy_mj", "energy_w")}
    values.update({f"{c}_std": np.empty(0) for c in STD_COLUMNS})
    labels = dict.fromkeys(LABELS, none)
    fingerprint = np.empty(0, np.uint64)
    return Rollups(
        window_ms, none, none, none, values, fingerprint, labels, {n: [] for n in LABELS}
    )


def _where(start_ms: int | None, end_ms: int | None) -> tuple[str, list[object]]:
    """Filter on the `day` partitions first (so whole files are skipped), then on time."""
    clauses: list[str] = []
    params: list[object] = []
    if start_ms is not None:
        clauses += ["day >= CAST(epoch_ms(?) AS DATE)", "ts_ms >= ?"]
        params += [start_ms, start_ms]
    if end_ms is not None:
        clauses += ["day <= CAST(epoch_ms(?) AS DATE)", "ts_ms < ?"]
        params += [end_ms, end_ms]
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _from_table(table: pa.Table, window_ms: int) -> Rollups:
    labels, dictionaries = {}, {}
    for name in LABELS:
        encoded = table.column(name).combine_chunks().dictionary_encode()
        labels[name] = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        dictionaries[name] = [str(v) for v in encoded.dictionary.to_pylist()]
    gpu = _gpu_numbers(labels["site"], labels["gpu_uuid"])
    values = {c: _floats(table, c) for c in (*MEAN_COLUMNS, "xid")}
    for c in STD_COLUMNS:
        variance = _floats(table, f"{c}_sq") - values[c] ** 2
        values[f"{c}_std"] = np.sqrt(np.maximum(variance, 0.0))
    start = table.column("start_ms").to_numpy()
    values["energy_mj"], values["energy_w"] = _energy(table, gpu, start, window_ms)
    fingerprint = to_numpy(fill_null(table.column("power_fingerprint"), 0))
    samples = table.column("samples").to_numpy()
    return Rollups(window_ms, gpu, start, samples, values, fingerprint, labels, dictionaries)


def _floats(table: pa.Table, name: str) -> NDArray[np.float64]:
    return float64s(table.column(name))


def _gpu_numbers(site: NDArray[np.int64], uuid: NDArray[np.int64]) -> NDArray[np.int64]:
    """Rows are sorted by site and UUID: a new GPU starts wherever either changes."""
    change = np.ones(len(site), np.bool_)
    change[1:] = (site[1:] != site[:-1]) | (uuid[1:] != uuid[:-1])
    return np.cumsum(change) - 1


def _energy(
    table: pa.Table, gpu: NDArray[np.int64], start: NDArray[np.int64], window_ms: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    first, first_ms = _floats(table, "energy_first_mj"), _floats(table, "energy_first_ms")
    last, last_ms = _floats(table, "energy_last_mj"), _floats(table, "energy_last_ms")
    prev_last, prev_ms = np.roll(last, 1), np.roll(last_ms, 1)
    follows = np.zeros(len(gpu), np.bool_)
    follows[1:] = (gpu[1:] == gpu[:-1]) & (start[1:] - start[:-1] == window_ms)
    chained = follows & (last - prev_last >= 0)
    delta = np.where(chained, last - prev_last, last - first)
    span_ms = np.where(chained, last_ms - prev_ms, last_ms - first_ms)
    delta = np.where(delta >= 0, delta, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        watts = np.where(span_ms > 0, delta / (span_ms / 1000.0) / 1000.0, np.nan)
    return delta, watts
