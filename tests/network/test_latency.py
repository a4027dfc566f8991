import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suanli.domain import LatencyParams, Network, Region, RttOverride, Site
from suanli.errors import InvalidValueError
from suanli.network import LatencyModel, data_transfer_hours
from suanli.units import fiber_rtt_floor_ms, great_circle_km

lat = st.floats(-90, 90, allow_nan=False)
lon = st.floats(-180, 180, allow_nan=False)


def site(id_: str, la: float, lo: float, egress: float = 100.0) -> Site:
    return Site(
        id=id_,
        name=id_,
        city=id_,
        lat=la,
        lon=lo,
        pools=(),
        egress_gbps=egress,
        electricity_yuan_per_kwh=0.5,
        pue=1.2,
    )


def region(id_: str, la: float, lo: float) -> Region:
    return Region(id=id_, name=id_, lat=la, lon=lo)


@given(
    points=st.lists(st.tuples(lat, lon), min_size=2, max_size=8),
    route_factor=st.floats(1.0, 3.0),
    overhead=st.floats(0.0, 10.0),
)
def test_rtt_never_below_speed_of_light_in_fiber(points, route_factor, overhead):
    half = len(points) // 2
    net = Network(
        name="t",
        sites=tuple(site(f"s{i}", *p) for i, p in enumerate(points[:half])),
        regions=tuple(region(f"r{i}", *p) for i, p in enumerate(points[half:])),
        latency=LatencyParams(route_factor=route_factor, overhead_ms=overhead),
    )
    model = LatencyModel(net)
    for s in net.sites:
        for r in net.regions:
            floor = fiber_rtt_floor_ms(great_circle_km(s.lat, s.lon, r.lat, r.lon))
            assert model.rtt(s.id, r.id) >= floor - 1e-9


def test_matrix_matches_scalar_haversine_and_formula():
    net = Network(
        name="t",
        sites=(site("zhongwei", 37.511, 105.191),),
        regions=(region("shanghai", 31.222, 121.458), region("here", 37.511, 105.191)),
    )
    model = LatencyModel(net)
    d = great_circle_km(37.511, 105.191, 31.222, 121.458)
    assert model.distance_km[0, 0] == pytest.approx(d, rel=1e-9)
    assert 1500 < d < 1700  # Zhongwei-Shanghai is about 1,600 km
    assert model.rtt("zhongwei", "shanghai") == pytest.approx(1.5 * 2 * d / 200 + 1.0)
    assert model.rtt("zhongwei", "here") == pytest.approx(1.0)  # same city: the overhead only


def test_measured_override_wins_and_is_marked():
    net = Network(
        name="t",
        sites=(site("s", 40.0, 116.0),),
        regions=(region("r", 31.0, 121.0),),
        rtt_overrides=(RttOverride("s", "r", 30.0),),
    )
    model = LatencyModel(net)
    assert model.rtt("s", "r") == 30.0
    assert model.measured.tolist() == [[True]]
    assert model.reachable(29.9).tolist() == [[False]]


def test_override_below_fiber_floor_is_rejected():
    net = Network(
        name="t",
        sites=(site("s", 40.0, 116.0),),
        regions=(region("r", 31.0, 121.0),),
        rtt_overrides=(RttOverride("s", "r", 2.0),),
    )
    with pytest.raises(InvalidValueError, match="below the fiber floor"):
        LatencyModel(net)


def test_route_factor_below_one_is_rejected():
    with pytest.raises(InvalidValueError, match="route_factor"):
        LatencyParams(route_factor=0.9)


def test_transfer_time_uses_site_egress():
    # 1 TB over 100 Gb/s: 8,000 Gb / 100 Gb/s = 80 s
    hours = data_transfer_hours(site("s", 0, 0, egress=100.0), 1000.0)
    assert math.isclose(hours * 3600, 80.0)
    assert np.isfinite(hours)
