"""Which catalog GPU model a `modelName` label names, for its TDP.

dcgm-exporter writes the driver's product name ("NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB",
"NVIDIA GeForce RTX 4090"). The first of these that the catalog knows (case-insensitively, as a
name or alias) wins: the whole name; the name without "NVIDIA "; each word; each pair of adjacent
words joined by a space or a hyphen. Nothing known: None (the policy's default model applies).
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

from suanli.catalog.gpus import gpu_model
from suanli.domain import GpuModel
from suanli.errors import UnknownNameError


@cache
def resolve_model(label: str) -> GpuModel | None:
    """The catalog model a product name refers to, or None."""
    for candidate in _candidates(label):
        try:
            return gpu_model(candidate)
        except UnknownNameError:
            continue
    return None


def _candidates(label: str) -> list[str]:
    name = label.strip()
    short = name.removeprefix("NVIDIA ").strip()
    words = short.split()
    pairs = [f"{a}{sep}{b}" for a, b in pairwise(words) for sep in (" ", "-")]
    return [c for c in (name, short, *pairs, *words) if c]
