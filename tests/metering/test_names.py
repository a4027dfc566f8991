"""Names, labels and models: the small lookups the parser relies on."""

from __future__ import annotations

import pytest

from suanli.metering.fields import COLUMNS, UNKNOWN, match_name
from suanli.metering.labels import LabelError, escape, parse_prefix, unescape
from suanli.metering.models import resolve_model


@pytest.mark.parametrize(
    ("name", "column", "scale"),
    [
        ("DCGM_FI_PROF_SM_ACTIVE", "sm_active", "ratio"),
        ("dcgm_fi_prof_sm_active", "sm_active", "ratio"),
        ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE_RATIO", "tensor_active", "ratio"),
        ("DCGM_FI_DEV_GPU_UTIL", "gpu_util", "percent"),
        ("DCGM_FI_DEV_GPU_UTIL_RATIO", "gpu_util", "ratio"),
        ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total", "energy_mj", None),
        ("dcgm_fb_used", "fb_used_mib", None),
        ("252", "fb_used_mib", None),
        ("power_w", "power_w", None),
    ],
)
def test_names_map_to_fields(name, column, scale):
    match = match_name(name)
    assert COLUMNS[match.code] == column and match.scale == scale


@pytest.mark.parametrize("name", ["DCGM_FI_DEV_SM_CLOCK", "up", "power_w_total_x"])
def test_other_names_are_unknown(name):
    assert match_name(name).code == UNKNOWN


def test_escapes_round_trip():
    for value in ['a"b', "a\\b", "a\nb", 'x\\"\n', ""]:
        assert unescape(escape(value)) == value
    name, labels = parse_prefix('m{a="1",b="x\\"y",}')
    assert (name, labels) == ("m", {"a": "1", "b": 'x"y'})
    with pytest.raises(LabelError, match="invalid escape"):
        parse_prefix('m{a="\\t"}')


@pytest.mark.parametrize(
    ("label", "model"),
    [
        ("NVIDIA H100 80GB HBM3", "H100"),
        ("NVIDIA A100-SXM4-80GB", "A100"),
        ("NVIDIA GeForce RTX 4090", "RTX4090"),
        ("NVIDIA H20", "H20"),
        ("Tesla T4", "T4"),
        ("Mystery GPU", None),
    ],
)
def test_model_names_resolve_to_the_catalog(label, model):
    found = resolve_model(label)
    assert (found.name if found else None) == model
