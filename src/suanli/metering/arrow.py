"""Typed doors to the few untyped pyarrow functions the metering room calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

ArrowError = (pa.ArrowInvalid, pa.ArrowNotImplementedError)


def cast(array: Any, target: pa.DataType) -> Any:
    """`array` (Array or ChunkedArray) as `target`; raises `ArrowError` when a value won't fit."""
    return pc.cast(array, target)  # type: ignore[no-untyped-call]


def to_numpy(array: Any) -> NDArray[Any]:
    """An Array or ChunkedArray as a NumPy array (copying when it must)."""
    return array.to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]


def fill_null(array: Any, value: Any) -> Any:
    return pc.fill_null(array, value)  # type: ignore[no-untyped-call]


def write_parquet(table: pa.Table, path: Path, compression: str) -> None:
    pq.write_table(table, path, compression=compression)  # type: ignore[no-untyped-call]


def read_csv_strings(path: Path, columns: tuple[str, ...]) -> pa.Table:
    """A CSV with a header, the named columns read as text (others by inference)."""
    options = pacsv.ConvertOptions(  # type: ignore[attr-defined]
        column_types={c: pa.string() for c in columns}, strings_can_be_null=False
    )
    return pacsv.read_csv(path, convert_options=options)  # type: ignore[attr-defined]


def float64s(array: Any) -> NDArray[np.float64]:
    return to_numpy(cast(array, pa.float64()))
