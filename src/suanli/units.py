"""Unit helpers and physical constants, so that conversions are written once."""

from __future__ import annotations

import math

HOURS_PER_MONTH = 730.0
"""Hours in an average month; rents quoted per month divide by this (DOMAIN.md §1)."""

FIBER_KM_PER_MS = 200.0
"""Light in optical fiber covers about 200 km per millisecond (DOMAIN.md §2)."""

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), used for great-circle distances."""

MILLI = 1000
"""Milli-GPU and milli-core units per whole GPU or core (openb trace)."""


def monthly_rent_to_gpu_hour(yuan_per_server_month: float, gpus_per_server: int) -> float:
    """Turn a per-server monthly rent into yuan per GPU-hour: 75,000 / (8 × 730) ≈ 12.8."""
    return yuan_per_server_month / (gpus_per_server * HOURS_PER_MONTH)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def fiber_rtt_floor_ms(distance_km: float) -> float:
    """The physical lower bound on round-trip time over fiber: 2 × d / 200 km/ms."""
    return 2.0 * distance_km / FIBER_KM_PER_MS


def transfer_hours(size_gb: float, bandwidth_gbps: float) -> float:
    """Hours to move `size_gb` gigabytes over a link of `bandwidth_gbps` gigabits per second."""
    return size_gb * 8.0 / bandwidth_gbps / 3600.0
