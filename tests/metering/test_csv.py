"""The CSV form: one sample per row, the same traps handled as in the text formats."""

from __future__ import annotations

import pytest

from suanli.errors import DataFileError
from suanli.metering.columns import SeriesTable
from suanli.metering.csvform import parse_csv

from .helpers import T0, values_of

HEADER = "timestamp_ms,site,hostname,gpu_uuid,job,model,field,value\n"


def _parse(tmp_path, text, site=None):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    series = SeriesTable()
    samples, stats = parse_csv(path, series, site)
    return samples, stats, series


def test_rows_become_samples_with_their_identity(tmp_path):
    text = (
        HEADER
        + "\n".join(
            [
                f"{T0},s1,n1,GPU-a,train-1,NVIDIA H100 80GB HBM3,DCGM_FI_PROF_SM_ACTIVE,0.9",
                f"{T0},s1,n1,GPU-a,train-1,NVIDIA H100 80GB HBM3,power_w,650.5",
                f"{T0 + 30000},s1,n1,GPU-a,train-1,NVIDIA H100 80GB HBM3,1004,0.5",
                f"{T0},s1,n1,GPU-b,,NVIDIA H100 80GB HBM3,DCGM_FI_DEV_GPU_UTIL,100",
            ]
        )
        + "\n"
    )
    samples, stats, series = _parse(tmp_path, text)
    assert stats.stored == 4
    assert values_of(samples, "sm_active").tolist() == [0.9]
    assert values_of(samples, "tensor_active").tolist() == [0.5]
    assert values_of(samples, "gpu_util").tolist() == [1.0]
    assert {(s.gpu_uuid, s.job) for s in series.items} == {("GPU-a", "train-1"), ("GPU-b", "")}


def test_site_may_come_from_the_command_line(tmp_path):
    text = f"timestamp_ms,gpu_uuid,field,value\n{T0},GPU-a,power_w,100\n"
    with pytest.raises(DataFileError, match=r"t\.csv:2: no site"):
        _parse(tmp_path, text)
    _, _, series = _parse(tmp_path, text, site="s2")
    assert series.items[0].site == "s2"


def test_blanks_nan_and_unknown_fields_are_dropped_and_counted(tmp_path):
    text = (
        "timestamp_ms,site,gpu_uuid,field,value\n"
        + "\n".join(
            [
                f"{T0},s1,GPU-a,power_w,NaN",
                f"{T0},s1,GPU-a,fb_used_mib,9223372036854775792",
                f"{T0},s1,GPU-a,DCGM_FI_DEV_SM_CLOCK,1980",
                f"{T0},s1,GPU-a,power_w,300",
            ]
        )
        + "\n"
    )
    samples, stats, _ = _parse(tmp_path, text)
    assert samples.value.tolist() == [300.0]
    assert stats.dropped_blank == 2
    assert stats.ignored_names == {"DCGM_FI_DEV_SM_CLOCK": 1}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"{T0},s1,GPU-a,power_w,abc", r"t\.csv:3: value is not a number: 'abc'"),
        (f"{T0 / 1000},s1,GPU-a,power_w,1", r"t\.csv:3: timestamp"),
        ("1751328000,s1,GPU-a,power_w,1", r"t\.csv:3: timestamp_ms 1751328000 is not epoch ms"),
        (f"{T0},s1,GPU-a,power_w", r"t\.csv:3: expected 5 columns, got 4"),
        (f"{T0},s/1,GPU-a,power_w,1", r"t\.csv:3: site id 's/1'"),
        (f"{T0},s1,,power_w,1", r"t\.csv:3: gpu_uuid is empty"),
    ],
)
def test_a_bad_row_names_its_line(tmp_path, row, message):
    text = f"timestamp_ms,site,gpu_uuid,field,value\n{T0},s1,GPU-a,power_w,1\n{row}\n"
    with pytest.raises(DataFileError, match=message):
        _parse(tmp_path, text)


def test_a_missing_column_is_named(tmp_path):
    with pytest.raises(DataFileError, match=r"t\.csv:1: header lacks column\(s\) value"):
        _parse(tmp_path, "timestamp_ms,gpu_uuid,field\n1,2,3\n")
