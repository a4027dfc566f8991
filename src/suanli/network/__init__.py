"""Latency and bandwidth between sites and demand regions, and summaries of a network."""

from suanli.network.latency import LatencyModel, data_transfer_hours, great_circle_km_matrix
from suanli.network.summary import (
    capacity_by_hub,
    capacity_by_model,
    latency_by_region,
    latency_overview,
)

__all__ = [
    "LatencyModel",
    "capacity_by_hub",
    "capacity_by_model",
    "data_transfer_hours",
    "great_circle_km_matrix",
    "latency_by_region",
    "latency_overview",
]
