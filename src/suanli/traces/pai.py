"""Alibaba PAI 2020 machine specs (MLaaS in the Wild, NSDI'22): `pai_machine_spec.csv`.

The CSV has no header line; its column names sit in `pai_machine_spec.header` beside it. That
file is read when present, else the documented order `COLUMNS` is assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from suanli.domain.checks import non_negative
from suanli.errors import DataFileError
from suanli.traces.csvrows import integer, parse_rows, text

COLUMNS = ("machine", "gpu_type", "cap_cpu", "cap_mem", "cap_gpu")


@dataclass(frozen=True, slots=True)
class PaiMachine:
    """One machine. `gpu_type` is kept as the trace spells it: P100, T4, V100, V100M32, MISC
    (older K40m/K80/M60) or CPU (no GPU)."""

    name: str
    gpu_type: str
    cpus: int
    memory_gb: int
    gpus: int

    def __post_init__(self) -> None:
        non_negative("cap_cpu", self.cpus)
        non_negative("cap_mem", self.memory_gb)
        non_negative("cap_gpu", self.gpus)


def _machine(row: dict[str, str]) -> PaiMachine:
    return PaiMachine(
        name=text(row, "machine"),
        gpu_type=text(row, "gpu_type"),
        cpus=integer(row, "cap_cpu"),
        memory_gb=integer(row, "cap_mem"),
        gpus=integer(row, "cap_gpu"),
    )


def header_columns(path: Path) -> tuple[str, ...]:
    """Column names from the `.header` file beside `path`, else the documented `COLUMNS`."""
    header = path.with_suffix(".header")
    if not header.is_file():
        return COLUMNS
    try:
        first_line = header.read_text(encoding="utf-8").partition("\n")[0]
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{header}: cannot read: {exc}") from None
    columns = tuple(name.strip() for name in first_line.split(","))
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise DataFileError(f"{header}:1: lacks column(s) {', '.join(missing)}")
    return columns


def load_pai_machines(path: Path) -> list[PaiMachine]:
    """All machines of the headerless spec file, in file order."""
    return parse_rows(path, COLUMNS, _machine, columns=header_columns(path))
