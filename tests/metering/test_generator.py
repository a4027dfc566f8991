"""The generator: deterministic, labelled, and physically plausible for each pattern."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from suanli.errors import InvalidValueError, UnknownNameError
from suanli.metering.generator import generate, plan_for
from suanli.metering.generator.timeline import build_chunk, chunks


def _tree(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    generate("mixed", 12, 0.5, 3, tmp_path / "a")
    generate("mixed", 12, 0.5, 3, tmp_path / "b")
    generate("mixed", 12, 0.5, 4, tmp_path / "c")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


def test_labels_and_inventory_list_every_gpu(tmp_path):
    report = generate("mixed", 20, 1, 1, tmp_path)
    labels = json.loads((tmp_path / "labels.json").read_text())
    with (tmp_path / "inventory.csv").open() as handle:
        inventory = list(csv.DictReader(handle))
    assert [g["gpu_uuid"] for g in labels["gpus"]] == [row["gpu_uuid"] for row in inventory]
    assert {g["pattern"] for g in labels["gpus"]} >= {"training", "spinner", "phantom", "gaps"}
    assert {g["dialect"] for g in labels["gpus"]} == {"prometheus", "openmetrics", "dcgm4-ratio"}
    assert len(report.files) == 3 and report.files[1].endswith(".om")


def _series(scenario, gpus=8, hours=2.0, model="H100"):
    plan = plan_for(scenario, gpus, hours, 9, model=model)
    (k0, k1), *_ = chunks(plan)
    return build_chunk(plan, k0, k1, None).values


def test_training_is_busy_with_nvlink_traffic_and_natural_variance():
    v = _series("training")
    in_range = (v["power_w"] >= 400) & (v["power_w"] <= 700)
    assert in_range.mean() > 0.98  # the rest: checkpoint dips, one sample every hour or two
    assert v["sm_active"].mean() >= 0.85 and v["tensor_active"].mean() > 0.4
    assert v["nvlink_tx_bytes"].min() > 1e9
    assert v["power_w"].std(axis=1).min() > 10


def test_decode_is_low_sm_high_dram_moderate_power():
    v = _series("inference-decode")
    assert v["sm_active"].mean() < 0.5 < v["dram_active"].mean()
    assert 0.3 * 700 < v["power_w"].mean() < 0.7 * 700


def test_idle_held_draws_context_power_with_memory_held():
    v = _series("idle-held")
    assert v["power_w"].min() >= 90 and v["power_w"].max() <= 130
    assert v["fb_used_mib"].min() > 1000 and v["sm_active"].max() == 0


def test_spinner_keeps_util_at_100_while_sm_and_power_stay_low():
    v = _series("spinner")
    assert v["gpu_util"].min() == 1.0
    assert v["sm_active"].max() < 0.05 and v["power_w"].max() < 0.3 * 700


def test_loadgen_is_a_flat_plateau_without_interconnect_traffic():
    v = _series("loadgen")
    assert v["tensor_active"].mean() > 0.6 and v["tensor_active"].std(axis=1).max() < 0.005
    assert v["nvlink_tx_bytes"].max() == 0 and v["pcie_rx_bytes"].max() == 0


def test_power_levels_follow_the_model_tdp():
    assert _series("training", model="H20")["power_w"].max() <= 400


def test_energy_counter_integrates_power():
    v = _series("training", gpus=1)
    steps = np.diff(v["energy_mj"][0])
    assert np.allclose(steps, v["power_w"][0, 1:] * 30_000, atol=1.0)


def test_bad_arguments_are_reported():
    with pytest.raises(UnknownNameError, match="unknown scenario 'mining'"):
        plan_for("mining", 1, 1, 0)
    with pytest.raises(InvalidValueError, match="resolution_s must divide 300"):
        plan_for("training", 1, 1, 0, resolution_s=7)
    with pytest.raises(InvalidValueError, match="at least one 5-minute window"):
        plan_for("training", 1, 0.01, 0)
