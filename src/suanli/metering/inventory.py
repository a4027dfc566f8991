"""The inventory: the GPUs a site says it has (and bills for), one per row of a CSV file.

Columns: `site`, `gpu_uuid`, and optionally `node` and `model`. An inventory GPU with no sample
in the audited range is a phantom.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from suanli.errors import DataFileError
from suanli.traces.csvrows import read_rows

COLUMNS = ("site", "gpu_uuid", "node", "model")


@dataclass(frozen=True, slots=True)
class InventoryGpu:
    site: str
    gpu_uuid: str
    node: str = ""
    model: str = ""


def read_inventory(path: Path) -> tuple[InventoryGpu, ...]:
    """The GPUs listed in an inventory CSV; a row without site or UUID is `FILE:LINE` error."""
    gpus = []
    for line, row in read_rows(Path(path), ("site", "gpu_uuid")):
        site, uuid = row["site"].strip(), row["gpu_uuid"].strip()
        if not site or not uuid:
            raise DataFileError(f"{path}:{line}: site and gpu_uuid must not be empty")
        gpus.append(
            InventoryGpu(site, uuid, row.get("node", "").strip(), row.get("model", "").strip())
        )
    return tuple(gpus)


def write_inventory(path: Path, gpus: Iterable[InventoryGpu]) -> None:
    """Write an inventory CSV with all four columns."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for gpu in gpus:
            writer.writerow((gpu.site, gpu.gpu_uuid, gpu.node, gpu.model))
