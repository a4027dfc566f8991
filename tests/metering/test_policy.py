"""The audit policy: thresholds come from the versioned YAML file, and a bad file is named."""

from __future__ import annotations

from importlib import resources

import pytest

from suanli.errors import DataFileError
from suanli.metering.audit import audit
from suanli.metering.policy import CLASSES, load_policy

from .audit_helpers import audited_windows, generated_audit


def test_the_packaged_policy_loads_with_every_detector():
    policy = load_policy()
    assert policy.version == "audit-policy-v1"
    assert policy.window_ms == 300_000
    assert [r.name for r in policy.rules][:3] == ["gaps", "phantom", "replay"]
    assert {r.klass for r in policy.rules} | {policy.fallback.klass} <= set(CLASSES)
    assert policy.rule("spinner").params["gpu_util_min"] == 0.9


def test_thresholds_come_from_the_file_not_the_code(tmp_path):
    _, report = generated_audit(tmp_path, "spinner", 8, 1, 2)
    assert set(audited_windows(report).values()) == {("suspicious", "spinner")}
    text = resources.files("suanli.metering").joinpath("policy/audit-policy-v1.yaml").read_text()
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text(
        text.replace("power_max_tdp: 0.30", "power_max_tdp: 0.10").replace(
            "version: audit-policy-v1", "version: test-lenient"
        )
    )
    report = audit(tmp_path / "store", policy=lenient)
    assert report["policy"]["version"] == "test-lenient"
    assert "spinner" not in {v[1] for v in audited_windows(report).values()}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("name: spinner", "name: miner"), "unknown detector 'miner'"),
        (("gpu_util_min: 0.90", "gpu_util_mni: 0.90"), "detector spinner takes"),
        (("class: idle", "class: lazy"), "unknown class 'lazy'"),
        (("window_minutes: 5\n", ""), "missing setting 'window_minutes'"),
        (("detectors:", "detectors: [oops"), "not valid YAML"),
    ],
)
def test_a_bad_policy_file_says_what_is_wrong(tmp_path, edit, message):
    text = resources.files("suanli.metering").joinpath("policy/audit-policy-v1.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(*edit, 1))
    with pytest.raises(DataFileError, match=message):
        load_policy(bad)
