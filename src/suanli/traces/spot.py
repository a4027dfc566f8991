"""Alibaba spot-GPU node list (GFS, ASPLOS'26): `node_info_df.csv`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from suanli.domain.checks import non_negative
from suanli.traces.csvrows import integer, parse_rows, text

COLUMNS = ("gpu_model", "gpu_capacity_num", "cpu_num", "node_name")


@dataclass(frozen=True, slots=True)
class SpotNode:
    """A GPU node. `gpu_model` is the trace's own string (`A100-SXM4-80GB`, `H800`, or an
    undisclosed `GPU-series-N`); matching it to the catalog is the caller's business."""

    node_id: int
    gpu_model: str
    gpus: int
    cpus: int

    def __post_init__(self) -> None:
        non_negative("gpu_capacity_num", self.gpus)
        non_negative("cpu_num", self.cpus)


def _node(row: dict[str, str]) -> SpotNode:
    return SpotNode(
        node_id=integer(row, "node_name"),
        gpu_model=text(row, "gpu_model"),
        gpus=integer(row, "gpu_capacity_num"),
        cpus=integer(row, "cpu_num"),
    )


def load_spot_nodes(path: Path) -> list[SpotNode]:
    """All nodes of the spot-GPU node list, in file order."""
    return parse_rows(path, COLUMNS, _node)
