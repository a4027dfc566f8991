"""Read the CSV tables shipped in `catalog/data/`; every row carries its `source`."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from suanli.errors import DataFileError

TABLES = (
    "gpu_models",
    "clusters",
    "cities",
    "power",
    "rents",
    "job_mix",
    "trace_stats",
    "request_profiles",
    "request_rates",
    "model_sizes",
)


@cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """All rows of `data/NAME.csv` as dicts; a row without a `source` is a packaging bug."""
    text = resources.files("suanli.catalog").joinpath(f"data/{name}.csv").read_text("utf-8")
    rows = tuple(csv.DictReader(text.splitlines()))
    for line, row in enumerate(rows, start=2):
        if not (row.get("source") or "").strip():
            raise DataFileError(f"catalog/data/{name}.csv:{line}: source: every row needs one")
        if None in row or any(v is None for v in row.values()):
            raise DataFileError(f"catalog/data/{name}.csv:{line}: wrong number of columns")
    return rows


def flag(value: str) -> bool:
    """Parse a `true`/`false` cell."""
    return value.strip().lower() == "true"
