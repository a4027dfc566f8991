"""Network presets by name: a registry, not an if-chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from suanli.catalog.china import build_china_network
from suanli.catalog.openb import build_openb_network
from suanli.domain import Network
from suanli.errors import UnknownNameError
from suanli.traces import load_openb_nodes, trace_file

OPENB_NODES = "alibaba-openb-gpu-v2023/openb_node_list_gpu_node.csv"


@dataclass(frozen=True, slots=True)
class BuiltNetwork:
    """A preset's network, with notes for the user (what was assumed or left out)."""

    network: Network
    notes: tuple[str, ...] = ()


def _china(seed: int, nodes: Path | None) -> BuiltNetwork:
    return BuiltNetwork(build_china_network(seed))


def _openb(seed: int, nodes: Path | None) -> BuiltNetwork:
    built = build_openb_network(load_openb_nodes(nodes or trace_file(OPENB_NODES)))
    notes: tuple[str, ...] = (
        "openb: the site's location (Hangzhou) is assumed; the trace does not say",
    )
    if built.cpu_only_nodes:
        notes += (f"openb: left out {built.cpu_only_nodes} CPU-only nodes (no GPU pool)",)
    return BuiltNetwork(built.network, notes)


NETWORK_PRESETS: dict[str, Callable[[int, Path | None], BuiltNetwork]] = {
    "china": _china,
    "openb": _openb,
}


def build_network(preset: str, *, seed: int, nodes: Path | None = None) -> BuiltNetwork:
    """The network of a named preset; `nodes` is the openb node list (openb only)."""
    if preset not in NETWORK_PRESETS:
        raise UnknownNameError("network preset", preset, list(NETWORK_PRESETS))
    return NETWORK_PRESETS[preset](seed, nodes)
