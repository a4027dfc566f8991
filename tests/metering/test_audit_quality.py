"""Detector quality on generated, labelled data (the issue's done-when): precision >= 0.95 and
recall >= 0.90 for `suspicious`, and no productive training or decode hour called suspicious."""

from __future__ import annotations

import pytest

from .audit_helpers import audited_windows, generated_audit, precision_recall, truth_windows

HONEST = ("training", "inference-decode")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    labels, report = generated_audit(tmp_path_factory.mktemp("mixed"), "mixed", 40, 4, 11)
    return truth_windows(labels), audited_windows(report), report


def test_suspicious_precision_and_recall_on_the_mixed_fleet(mixed):
    truth, audited, _ = mixed
    precision, recall = precision_recall(truth, audited, "suspicious")
    assert precision >= 0.95, precision
    assert recall >= 0.90, recall


def test_no_productive_training_or_decode_window_is_called_suspicious(mixed):
    truth, audited, _ = mixed
    honest = [
        k for k, (klass, pattern) in truth.items() if klass == "productive" and pattern in HONEST
    ]
    assert len(honest) > 500
    assert not [k for k in honest if audited[k][0] == "suspicious"]


def test_every_window_of_every_gpu_gets_a_class_with_evidence(mixed):
    truth, audited, report = mixed
    assert audited.keys() == truth.keys()
    for gpu in report["gpus"]:
        for interval in gpu["intervals"]:
            assert interval["detector"]
            assert interval["evidence"]


def test_totals_add_up(mixed):
    _, _, report = mixed
    totals = report["totals"]
    assert totals["gpus"] == 40
    assert sum(totals["hours_by_class"].values()) == pytest.approx(40 * 4)
    certified = sum(totals["hours_by_class"][c] for c in report["certified_classes"])
    assert totals["certified_gpu_hours"] == pytest.approx(certified)
    jobs = sum(j["certified_gpu_hours"] for j in report["jobs"])
    assert jobs == pytest.approx(totals["certified_gpu_hours"], abs=0.01)


@pytest.mark.parametrize(
    ("pattern", "detector"),
    [("spinner", "spinner"), ("loadgen", "loadgen"), ("replay", "replay"), ("phantom", "phantom")],
)
def test_each_fake_pattern_is_caught_by_its_detector(tmp_path, pattern, detector):
    labels, report = generated_audit(tmp_path, pattern, 8, 2, 5, span=True)
    truth, audited = truth_windows(labels), audited_windows(report)
    fake = [k for k, (klass, _) in truth.items() if klass == "suspicious"]
    caught = [k for k in fake if audited[k] == ("suspicious", detector)]
    assert len(caught) >= 0.9 * len(fake) > 0
    precision, _ = precision_recall(truth, audited, "suspicious")
    assert precision >= 0.95


@pytest.mark.parametrize(
    ("pattern", "klass", "detector"),
    [
        ("training", "productive", "compute_bound"),
        ("inference-decode", "productive", "decode_bound"),
        ("idle-held", "idle", "idle"),
    ],
)
def test_each_honest_pattern_gets_its_class(tmp_path, pattern, klass, detector):
    _labels, report = generated_audit(tmp_path, pattern, 8, 2, 6)
    audited = audited_windows(report)
    right = [v for v in audited.values() if v == (klass, detector)]
    assert len(right) >= 0.95 * len(audited)
    assert not [v for v in audited.values() if v[0] == "suspicious"]


def test_gaps_are_missing_exactly_where_the_gpu_was_silent(tmp_path):
    labels, report = generated_audit(tmp_path, "gaps", 8, 6, 7)
    truth, audited = truth_windows(labels), audited_windows(report)
    missing = {k for k, v in truth.items() if v[0] == "missing"}
    assert missing and missing == {k for k, v in audited.items() if v[0] == "missing"}
    assert all(f["detector"] == "gaps" for g in report["gpus"] for f in g["flags"])


def test_a_replay_of_the_previous_day_is_caught_with_its_source(tmp_path):
    labels, report = generated_audit(tmp_path, "replay", 2, 50, 8, resolution_s=60)
    truth, audited = truth_windows(labels), audited_windows(report)
    _, recall = precision_recall(truth, audited, "suspicious")
    assert recall >= 0.9
    flag = report["gpus"][0]["flags"][0]
    assert flag["detector"] == "replay"
    assert flag["details"]["copies"]["offset_hours"] == 24.0
    assert flag["details"]["copies"]["gpu_uuid"] == report["gpus"][0]["gpu_uuid"]
