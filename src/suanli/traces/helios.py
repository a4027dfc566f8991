"""SenseTime Helios (SC'21) daily GPU counts per virtual cluster: `cluster_gpu_number.csv`.

Every column besides `date` and `total` is a virtual cluster (25 in Venus), so the other Helios
clusters' files, with other VC sets, load too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from suanli.domain.checks import non_negative
from suanli.traces.csvrows import integer, parse_rows, text

COLUMNS = ("date", "total")


@dataclass(frozen=True, slots=True)
class HeliosDay:
    """GPUs assigned on one day to each virtual cluster, in column order, and the cluster total."""

    day: date
    vc_gpus: tuple[tuple[str, int], ...]
    total: int

    def __post_init__(self) -> None:
        non_negative("total", self.total)
        for vc, gpus in self.vc_gpus:
            non_negative(vc, gpus)

    def gpus(self, vc: str) -> int:
        """GPUs of virtual cluster `vc` that day."""
        return dict(self.vc_gpus)[vc]


def _day(row: dict[str, str]) -> HeliosDay:
    value = text(row, "date")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date: expected YYYY-MM-DD, got {value!r}") from None
    vcs = tuple((vc, integer(row, vc)) for vc in row if vc not in COLUMNS)
    return HeliosDay(day=day, vc_gpus=vcs, total=integer(row, "total"))


def load_helios_days(path: Path) -> list[HeliosDay]:
    """All days, in file order."""
    return parse_rows(path, COLUMNS, _day)
