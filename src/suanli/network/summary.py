"""What a network holds and how close it is to its users, as plain dicts for tables and JSON."""

from __future__ import annotations

from typing import Any

import numpy as np

from suanli.domain import Network
from suanli.network.latency import LatencyModel

METRO = "metro edge"
RTT_TIERS_MS = (5.0, 20.0, 50.0)
"""DOMAIN.md §2: 5 ms cluster to nearby city, 20 ms between hubs; 50 ms as a loose budget."""


def capacity_by_hub(network: Network) -> dict[str, dict[str, int]]:
    """GPUs per hub (metro edge sites grouped together) and GPU model, in file order."""
    table: dict[str, dict[str, int]] = {}
    for site, pool in network.pools():
        row = table.setdefault(site.hub or METRO, {})
        row[pool.gpu_model] = row.get(pool.gpu_model, 0) + pool.gpus
    return table


def capacity_by_model(network: Network) -> dict[str, int]:
    """GPUs per model over the whole network."""
    totals: dict[str, int] = {}
    for _, pool in network.pools():
        totals[pool.gpu_model] = totals.get(pool.gpu_model, 0) + pool.gpus
    return totals


def latency_by_region(model: LatencyModel) -> list[dict[str, Any]]:
    """Per demand region: the nearest site and its RTT, and how many sites fit each tier."""
    rows = []
    for j, region in enumerate(model.region_ids):
        column = model.rtt_ms[:, j]
        nearest = int(np.argmin(column))
        row: dict[str, Any] = {
            "region": region,
            "nearest_site": model.site_ids[nearest],
            "nearest_rtt_ms": round(float(column[nearest]), 2),
            "median_rtt_ms": round(float(np.median(column)), 2),
        }
        for tier in RTT_TIERS_MS:
            row[f"sites_within_{tier:g}ms"] = int((column <= tier).sum())
        rows.append(row)
    return rows


def latency_overview(model: LatencyModel) -> dict[str, Any]:
    """Across all site-region pairs: RTT spread and the share of pairs within each tier."""
    rtt = model.rtt_ms
    overview: dict[str, Any] = {
        "pairs": int(rtt.size),
        "measured_pairs": int(model.measured.sum()),
        "min_rtt_ms": round(float(rtt.min()), 2),
        "median_rtt_ms": round(float(np.median(rtt)), 2),
        "max_rtt_ms": round(float(rtt.max()), 2),
    }
    for tier in RTT_TIERS_MS:
        overview[f"share_within_{tier:g}ms"] = round(float((rtt <= tier).mean()), 3)
    return overview
