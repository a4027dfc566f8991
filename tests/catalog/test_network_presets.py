from pathlib import Path

import pytest

from suanli.catalog import clusters, gpu_models, rents
from suanli.catalog.china import KINDS, PRICE_JITTER, build_china_network
from suanli.catalog.presets import build_network
from suanli.errors import DataFileError, UnknownNameError


def test_china_has_every_cluster_and_metro_sites_within_the_size_the_issue_asks():
    net = build_china_network()
    assert 30 <= len(net.sites) <= 60
    assert {c.cluster for c in clusters()} <= {s.cluster for s in net.sites}
    metro = [s for s in net.sites if not s.is_hub]
    assert {s.city for s in metro} == {r.name for r in net.regions}


def test_china_mix_covers_the_models_of_the_issue_with_sane_prices():
    net = build_china_network()
    models = {p.gpu_model for _, p in net.pools()}
    assert {"H100", "H800", "A800", "H20", "910B", "L40S", "RTX4090"} <= models
    assert models <= set(gpu_models())
    factors = [k.price_factor for k in KINDS.values()]
    for _, p in net.pools():
        ratio = p.reserve_price_yuan_per_gpu_hour / rents()[p.gpu_model]
        assert min(factors) * (1 - PRICE_JITTER) - 0.01 <= ratio
        assert ratio <= max(factors) * (1 + PRICE_JITTER) + 0.01
    h100 = [p.reserve_price_yuan_per_gpu_hour for _, p in net.pools() if p.gpu_model == "H100"]
    assert all(10 < price < 16 for price in h100)  # around today's 12.8 yuan per GPU-hour


def test_china_is_seeded():
    assert build_china_network(7) == build_china_network(7)
    assert build_china_network(7) != build_china_network(8)


def test_western_sites_hold_big_training_pools_and_metro_sites_small_ones():
    net = build_china_network()
    west = [s.gpus for s in net.sites if s.is_hub and s.lon < 108.5]
    metro = [s.gpus for s in net.sites if not s.is_hub]
    assert min(west) > max(metro) / 2
    assert sum(west) / len(west) > 5 * sum(metro) / len(metro)


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(
        UnknownNameError, match="unknown network preset 'mars'; known: china, openb"
    ):
        build_network("mars", seed=1)


def test_openb_preset_without_traces_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("SUANLI_TRACE_DIR", str(tmp_path))
    with pytest.raises(DataFileError, match="set SUANLI_TRACE_DIR"):
        build_network("openb", seed=1)


@pytest.mark.traces
def test_openb_preset_keeps_every_gpu_of_the_trace(trace_dir: Path):
    nodes = trace_dir / "alibaba-openb-gpu-v2023" / "openb_node_list_all_node.csv"
    built = build_network("openb", seed=1, nodes=nodes)
    assert built.network.gpus == 6212  # SOURCES.md: 1,213 GPU nodes, 6,212 GPUs
    assert sum(p.nodes for _, p in built.network.pools()) == 1213
    assert any("310 CPU-only nodes" in note for note in built.notes)
