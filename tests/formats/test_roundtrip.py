"""Domain objects survive dump and load exactly, and dumps are the same bytes every time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from suanli.catalog import gpu_models
from suanli.domain import (
    ON_PREEMPT,
    Fabric,
    GpuPool,
    InferenceService,
    LatencyParams,
    Network,
    Pod,
    Region,
    RegionDemand,
    RttOverride,
    Site,
    TrainingJob,
    Workload,
)
from suanli.formats import (
    dump,
    dumps_json,
    dumps_yaml,
    load_network,
    load_workload,
    network_from_text,
    network_to_dict,
    workload_from_text,
    workload_to_dict,
)
from suanli.units import fiber_rtt_floor_ms, great_circle_km

from .samples import NETWORK, WORKLOAD, edit

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
ids = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8)
models = st.sampled_from(list(gpu_models()))


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def model_lists() -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(models, max_size=3).map(tuple)


@st.composite
def pools(draw: st.DrawFn, pool_id: str) -> GpuPool:
    count = st.integers(1, 2**20)
    return GpuPool(  # node shapes within what the network schema calls plausible
        pool_id,
        draw(models),
        draw(count),
        draw(st.integers(1, 16)),
        draw(st.integers(1000, 1_024_000)),
        draw(st.integers(1024, 33_554_432)),
        draw(st.sampled_from(Fabric)),
        draw(floats(0, 1e4)),
    )


@st.composite
def sites(draw: st.DrawFn, site_id: str, pool_ids: list[str]) -> Site:
    return Site(
        id=site_id,
        name=draw(texts),
        city=draw(texts),
        lat=draw(floats(-90, 90)),
        lon=draw(floats(-180, 180)),
        pools=tuple(draw(pools(p)) for p in pool_ids),
        egress_gbps=draw(floats(1e-3, 1e4)),
        electricity_yuan_per_kwh=draw(floats(0, 10)),
        pue=draw(floats(1, 3)),
        hub=draw(texts),
        cluster=draw(texts),
    )


@st.composite
def networks(draw: st.DrawFn) -> Network:
    site_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    pool_ids = draw(st.lists(ids, max_size=4, unique=True))
    owner = [draw(st.integers(0, len(site_ids) - 1)) for _ in pool_ids]
    built = [
        draw(sites(s, [p for p, o in zip(pool_ids, owner, strict=True) if o == i]))
        for i, s in enumerate(site_ids)
    ]
    regions = [
        Region(r, draw(texts), draw(floats(-90, 90)), draw(floats(-180, 180)), draw(floats(0, 10)))
        for r in draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    ]
    overrides = []
    for site, region in draw(st.lists(st.tuples(st.sampled_from(built), st.sampled_from(regions)))):
        floor = fiber_rtt_floor_ms(great_circle_km(site.lat, site.lon, region.lat, region.lon))
        overrides.append(RttOverride(site.id, region.id, floor * draw(floats(1, 3)) + 0.25))
    latency = LatencyParams(draw(floats(1, 3)), draw(floats(0, 10)))
    return Network(draw(ids), tuple(built), tuple(regions), latency, tuple(overrides))


@st.composite
def workloads(draw: st.DrawFn) -> Workload:
    names = draw(st.lists(ids, max_size=6, unique=True))
    split = draw(st.integers(0, len(names)))
    positive = floats(1e-3, 1e6)
    jobs = [
        TrainingJob(
            j,
            draw(st.integers(1, 4096)),
            draw(positive),
            draw(floats(0, 100)),
            draw(positive),
            draw(ids),
            draw(floats(0, 1e5)),
            draw(model_lists()),
            draw(floats(0, 1e3)),
            draw(st.booleans()),
            draw(floats(1e-3, 1e3)),
            draw(st.sampled_from(ON_PREEMPT)),
        )
        for j in names[:split]
    ]
    services = [
        InferenceService(
            s,
            draw(positive),
            tuple(RegionDemand(r, draw(floats(0, 1e3))) for r in draw(st.lists(ids, unique=True))),
            draw(st.integers(0, 10**5)),
            draw(st.integers(1, 10**5)),
            draw(positive),
            draw(floats(0, 100)),
            draw(model_lists()),
        )
        for s in names[split:]
    ]
    pods = [
        Pod(
            p,
            draw(st.integers(0, 10**6)),
            draw(st.integers(0, 10**7)),
            gpus,
            draw(st.integers(0, 1000)) if gpus <= 1 else 1000,
            draw(model_lists()),
        )
        for p in draw(st.lists(ids, max_size=3, unique=True))
        for gpus in [draw(st.integers(0, 8))]
    ]
    return Workload(draw(ids), tuple(jobs), tuple(services), tuple(pods))


@FAST
@given(networks())
def test_network_round_trips_through_yaml(net: Network) -> None:
    text = dumps_yaml(network_to_dict(net))
    again = network_from_text(text, "net.yaml")
    assert again == net
    assert dumps_yaml(network_to_dict(again)) == text


@FAST
@given(networks())
def test_network_round_trips_through_json(net: Network) -> None:
    text = dumps_json(network_to_dict(net))
    assert network_from_text(text, "net.json") == net


@FAST
@given(workloads())
def test_workload_round_trips_through_yaml_and_json(w: Workload) -> None:
    data = workload_to_dict(w)
    assert workload_from_text(dumps_yaml(data), "w.yaml") == w
    assert workload_from_text(dumps_json(data), "w.json") == w


def test_dump_writes_by_suffix_byte_for_byte(tmp_path: Path) -> None:
    net = network_from_text(NETWORK)
    for name in ("a.yaml", "b.yml", "c.json"):
        dump(network_to_dict(net), tmp_path / name)
        assert load_network(tmp_path / name) == net
    first = (tmp_path / "a.yaml").read_bytes()
    dump(network_to_dict(load_network(tmp_path / "a.yaml")), tmp_path / "a.yaml")
    assert (tmp_path / "a.yaml").read_bytes() == first
    assert (tmp_path / "c.json").read_text().endswith("}\n")


def test_yaml_layout_is_block_style_in_file_order() -> None:
    text = dumps_yaml(network_to_dict(network_from_text(NETWORK)))
    assert text.splitlines()[:12] == [
        "format: suanli.network/v1",
        "name: test-net",
        "latency:",
        "  route_factor: 1.5",
        "  overhead_ms: 1.0",
        "regions:",
        "  - id: beijing",
        "    name: Beijing",
        "    lat: 39.908",
        "    lon: 116.397",
        "    demand_weight: 4.38",
        "  - id: shanghai",
    ]
    assert "hub" not in text.split("id: shanghai-edge")[1]


def test_workload_defaults_are_left_out(tmp_path: Path) -> None:
    w = workload_from_text(WORKLOAD)
    data = workload_to_dict(w)
    assert "submit_hour" not in data["training_jobs"][0]
    assert not {"preemptible", "checkpoint_hours", "on_preempt"} & set(data["training_jobs"][0])
    assert "allowed_gpu_models" not in data["inference_services"][0]
    dump(data, tmp_path / "w.json")
    assert load_workload(tmp_path / "w.json") == w


def test_dump_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    from suanli.errors import InvalidValueError

    with pytest.raises(InvalidValueError, match=r"use \.yaml, \.yml, \.json"):
        dump({}, tmp_path / "x.txt")


def test_an_old_service_limit_is_converted_and_written_as_the_new_one() -> None:
    """140 GB of weights, any GPU: the old generator priced it on the RTX 4090 (the cheapest rent
    of the models that hold it), whose decode is 1.0 / 3.35 of an H100's."""
    old = edit(WORKLOAD, ("max_price_yuan_per_h100_decode_hour", "max_price_yuan_per_gpu_hour"))
    (service,) = workload_from_text(old).services
    assert service.max_price_yuan_per_h100_decode_hour == pytest.approx(10.0 * 3.35 / 1.0)
    text = dumps_yaml(workload_to_dict(workload_from_text(old)))
    assert "max_price_yuan_per_h100_decode_hour: 33.5" in text
    assert "max_price_yuan_per_gpu_hour" not in text.split("inference_services")[1]
    h20 = edit(
        old,
        (
            "    latency_slo_rtt_ms: 30.0\n",
            "    latency_slo_rtt_ms: 30.0\n    allowed_gpu_models: [H20]\n",
        ),
    )
    (service,) = workload_from_text(h20).services
    assert service.max_price_yuan_per_h100_decode_hour == pytest.approx(10.0 * 3.35 / 4.0)


def test_spot_attributes_are_written_when_set() -> None:
    w = workload_from_text(WORKLOAD)
    spot = replace(w.training_jobs[0], preemptible=True, checkpoint_hours=0.5, on_preempt="fail")
    data = workload_to_dict(replace(w, training_jobs=(spot,)))
    job = data["training_jobs"][0]
    assert (job["preemptible"], job["checkpoint_hours"], job["on_preempt"]) == (True, 0.5, "fail")
    assert workload_from_text(dumps_yaml(data)).training_jobs == (spot,)
