"""Where pools stand relative to demand regions: RTT and distance, pools × regions."""

from __future__ import annotations

from dataclasses import dataclass

from suanli.errors import UnknownNameError
from suanli.network.latency import LatencyModel
from suanli.placement.costs import Floats
from suanli.placement.snapshot import Snapshot


@dataclass(frozen=True, slots=True, eq=False)
class Geometry:
    """RTT (ms) and great-circle distance (km) from every pool's site to every region."""

    region_ids: tuple[str, ...]
    rtt_ms: Floats
    distance_km: Floats

    @classmethod
    def of(cls, snapshot: Snapshot, latency: LatencyModel) -> Geometry:
        """Rows of `latency` picked by the site of each pool (matched by id, not by order)."""
        rows = [_index("site", latency.site_ids, s.id) for s in snapshot.sites]
        return cls(
            region_ids=tuple(latency.region_ids),
            rtt_ms=latency.rtt_ms[rows],
            distance_km=latency.distance_km[rows],
        )

    def region_index(self, region_id: str) -> int:
        return _index("region", list(self.region_ids), region_id)


def _index(kind: str, ids: list[str], wanted: str) -> int:
    try:
        return ids.index(wanted)
    except ValueError:
        raise UnknownNameError(kind, wanted, ids) from None
