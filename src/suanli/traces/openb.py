"""The Alibaba openb GPU-sharing trace (FGD, USENIX ATC'23): node and pod lists.

Pod lists come with 11 columns, or 5 in the multigpu* variants (no gpu_spec and no times).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from suanli.domain import Pod
from suanli.domain.checks import non_negative
from suanli.traces.csvrows import integer, parse_rows

NODE_COLUMNS = ("sn", "cpu_milli", "memory_mib", "gpu", "model")
POD_COLUMNS = ("name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli")


@dataclass(frozen=True, slots=True)
class OpenbNode:
    """One machine of the openb cluster; `model` is empty for CPU-only nodes."""

    name: str
    cpu_milli: int
    memory_mib: int
    gpus: int
    model: str

    def __post_init__(self) -> None:
        non_negative("cpu_milli", self.cpu_milli)
        non_negative("memory_mib", self.memory_mib)
        non_negative("gpu", self.gpus)


def _node(row: dict[str, str]) -> OpenbNode:
    return OpenbNode(
        name=row["sn"],
        cpu_milli=integer(row, "cpu_milli"),
        memory_mib=integer(row, "memory_mib"),
        gpus=integer(row, "gpu"),
        model=row["model"].strip(),
    )


def _pod(row: dict[str, str]) -> Pod:
    spec = row.get("gpu_spec") or ""
    return Pod(
        id=row["name"],
        cpu_milli=integer(row, "cpu_milli"),
        memory_mib=integer(row, "memory_mib"),
        num_gpu=integer(row, "num_gpu"),
        gpu_milli=integer(row, "gpu_milli"),
        allowed_gpu_models=tuple(m for m in spec.split("|") if m),
    )


def load_openb_nodes(path: Path) -> list[OpenbNode]:
    """All nodes of an openb node list, in file order."""
    return parse_rows(path, NODE_COLUMNS, _node)


def load_openb_pods(path: Path) -> list[Pod]:
    """All pods of an openb pod list (11- or 5-column variant), in file order."""
    return parse_rows(path, POD_COLUMNS, _pod)
