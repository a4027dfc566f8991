"""Round-trip time between sites and demand regions, and data transfer time into a site.

Model: RTT = route_factor × 2d / (200 km/ms) + overhead_ms, where d is the great-circle
distance. With route_factor >= 1 and overhead >= 0 the estimate never beats light in fiber
(2d / 200 km/ms). A measured RTT (`Network.rtt_overrides`) replaces the estimate; a measurement
below the fiber floor is physically impossible and rejected.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from suanli.domain import Network, Site
from suanli.errors import InvalidValueError
from suanli.units import EARTH_RADIUS_KM, FIBER_KM_PER_MS, transfer_hours

FloatArray = NDArray[np.float64]


def great_circle_km_matrix(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Haversine distances in km between every point of set 1 (rows) and set 2 (columns)."""
    p1, l1 = np.radians(lat1)[:, None], np.radians(lon1)[:, None]
    p2, l2 = np.radians(lat2)[None, :], np.radians(lon2)[None, :]
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    distance: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return distance


class LatencyModel:
    """RTT matrix (sites × regions) of a network, computed once with NumPy."""

    def __init__(self, network: Network) -> None:
        self.site_ids = [s.id for s in network.sites]
        self.region_ids = [r.id for r in network.regions]
        self._site_index = {s: i for i, s in enumerate(self.site_ids)}
        self._region_index = {r: j for j, r in enumerate(self.region_ids)}
        self.distance_km = great_circle_km_matrix(
            np.array([s.lat for s in network.sites], dtype=np.float64),
            np.array([s.lon for s in network.sites], dtype=np.float64),
            np.array([r.lat for r in network.regions], dtype=np.float64),
            np.array([r.lon for r in network.regions], dtype=np.float64),
        )
        self.floor_ms = 2.0 * self.distance_km / FIBER_KM_PER_MS
        params = network.latency
        self.rtt_ms = params.route_factor * self.floor_ms + params.overhead_ms
        self.measured = np.zeros_like(self.rtt_ms, dtype=bool)
        for o in network.rtt_overrides:
            self._override(o.site, o.region, o.rtt_ms)

    def _override(self, site: str, region: str, rtt_ms: float) -> None:
        i, j = self._site_index[site], self._region_index[region]
        if rtt_ms < self.floor_ms[i, j]:
            raise InvalidValueError(
                f"measured RTT {site}->{region} of {rtt_ms} ms is below the fiber floor of "
                f"{self.floor_ms[i, j]:.2f} ms for {self.distance_km[i, j]:.0f} km; check the "
                "measurement"
            )
        self.rtt_ms[i, j] = rtt_ms
        self.measured[i, j] = True

    def rtt(self, site_id: str, region_id: str) -> float:
        """RTT in ms between a site and a region (measured where known)."""
        return float(self.rtt_ms[self._site_index[site_id], self._region_index[region_id]])

    def reachable(self, slo_ms: float) -> NDArray[np.bool_]:
        """Mask (sites × regions) of pairs whose RTT fits within an SLO budget."""
        return self.rtt_ms <= slo_ms


def data_transfer_hours(site: Site, size_gb: float) -> float:
    """Hours to bring `size_gb` into a site, its egress bandwidth being the bottleneck."""
    return transfer_hours(size_gb, site.egress_gbps)
