"""Every format trap of dcgm-exporter text (DOMAIN.md §5), one test each."""

from __future__ import annotations

import numpy as np
import pytest

from suanli.errors import DataFileError

from .helpers import LABELS, T0, UUID, line, parse_text, values_of


def test_prometheus_text_has_integer_millisecond_timestamps(tmp_path):
    text = (
        "\n".join(
            [
                "# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).",
                "# TYPE DCGM_FI_DEV_POWER_USAGE gauge",
                line("DCGM_FI_DEV_POWER_USAGE", "612.345", T0),
                line("DCGM_FI_DEV_POWER_USAGE", "600", T0 + 30_000),
            ]
        )
        + "\n"
    )
    samples, stats, series = parse_text(tmp_path, text)
    assert stats.format == "prometheus-0.0.4"
    assert samples.ts_ms.tolist() == [T0, T0 + 30_000]
    assert samples.value.tolist() == [612.345, 600.0]
    (only,) = series.items
    assert (only.site, only.node, only.gpu_uuid) == ("s1", "node-1", UUID)


def test_openmetrics_has_float_second_timestamps_total_counters_and_eof(tmp_path):
    text = (
        "\n".join(
            [
                "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter",
                "# UNIT DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION millijoules",
                line("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total", "123456789", "1751328000.5"),
                line("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total", "123466789", "1751328030.25"),
                "# EOF",
            ]
        )
        + "\n"
    )
    samples, stats, _ = parse_text(tmp_path, text, "m.om")
    assert stats.format == "openmetrics-1.0"
    assert samples.ts_ms.tolist() == [T0 + 500, T0 + 30_250]
    assert values_of(samples, "energy_mj").tolist() == [123456789.0, 123466789.0]


def test_content_after_eof_is_an_error(tmp_path):
    text = f"{line('DCGM_FI_DEV_POWER_USAGE', '1', '1751328000')}\n# EOF\n"
    text += f"{line('DCGM_FI_DEV_POWER_USAGE', '2', '1751328030')}\n# EOF\n"
    with pytest.raises(DataFileError, match=r"m\.om:2: '# EOF' must be the last line"):
        parse_text(tmp_path, text, "m.om")


def test_float_timestamp_in_prometheus_text_names_the_line(tmp_path):
    lines = [line("DCGM_FI_DEV_POWER_USAGE", "1"), line("DCGM_FI_DEV_POWER_USAGE", "1", "1.5")]
    text = "\n".join(lines) + "\n"
    with pytest.raises(DataFileError, match=r"m\.prom:2: timestamp is not integer milliseconds"):
        parse_text(tmp_path, text)


def test_seconds_written_as_prometheus_milliseconds_are_caught(tmp_path):
    with pytest.raises(DataFileError, match=r"m\.prom:1: timestamp 1751328000 is outside"):
        parse_text(tmp_path, line("DCGM_FI_DEV_POWER_USAGE", "1", 1751328000) + "\n")


def test_label_escapes_are_resolved(tmp_path):
    labels = LABELS + r',pod="a\\b\"c\nd"'
    _samples, _, series = parse_text(tmp_path, line("DCGM_FI_DEV_POWER_USAGE", "1", labels=labels))
    assert series.items[0].job == 'a\\b"c\nd'


@pytest.mark.parametrize("bad", [r'pod="a\tb"', 'pod="a"b"', "pod=a", 'pod="a" x="b"'])
def test_malformed_labels_name_the_line(tmp_path, bad):
    text = (
        line("DCGM_FI_DEV_POWER_USAGE", "1")
        + "\n"
        + line("DCGM_FI_DEV_POWER_USAGE", "1", labels=f"{LABELS},{bad}")
        + "\n"
    )
    with pytest.raises(DataFileError, match=r"m\.prom:2: "):
        parse_text(tmp_path, text)


def test_nan_and_infinities_are_dropped_not_averaged(tmp_path):
    text = "\n".join(
        line("DCGM_FI_DEV_POWER_USAGE", v, T0 + 1000 * i)
        for i, v in enumerate(["NaN", "+Inf", "-Inf", "500", "Inf"])
    )
    samples, stats, _ = parse_text(tmp_path, text + "\n")
    assert samples.value.tolist() == [500.0]
    assert stats.dropped_blank == 4


@pytest.mark.parametrize(
    "blank", ["9223372036854775792", "9223372036854775794", "140737488355328", "2147483632"]
)
def test_dcgm_blank_sentinels_are_dropped(tmp_path, blank):
    text = line("DCGM_FI_DEV_FB_USED", blank) + "\n" + line("DCGM_FI_DEV_FB_USED", "100", T0 + 1)
    samples, stats, _ = parse_text(tmp_path, text + "\n")
    assert samples.value.tolist() == [100.0]
    assert stats.dropped_blank == 1


@pytest.mark.parametrize(
    ("name", "value", "column", "expected"),
    [
        ("DCGM_FI_PROF_SM_ACTIVE", "0.75", "sm_active", 0.75),
        ("DCGM_FI_PROF_SM_ACTIVE", "75", "sm_active", 0.75),  # same field sent as 0-100
        ("DCGM_FI_PROF_SM_ACTIVE_RATIO", "0.75", "sm_active", 0.75),  # DCGM 4 name
        ("DCGM_FI_DEV_GPU_UTIL", "100", "gpu_util", 1.0),  # a percent field
        ("DCGM_FI_DEV_GPU_UTIL", "1", "gpu_util", 0.01),  # percent stays percent below 1
        ("dcgm_gpu_utilization", "40", "gpu_util", 0.4),  # dcgm-exporter 1.x name
        ("dcgm_power_usage", "300.5", "power_w", 300.5),
    ],
)
def test_names_and_scales_map_to_one_canonical_field(tmp_path, name, value, column, expected):
    samples, _, _ = parse_text(tmp_path, line(name, value) + "\n")
    assert values_of(samples, column) == pytest.approx([expected])


def test_share_scale_is_decided_per_field_over_the_file(tmp_path):
    values = ["0.5", "80"]  # one value above 1: the whole field is 0-100
    text = "\n".join(line("DCGM_FI_PROF_DRAM_ACTIVE", v, T0 + i) for i, v in enumerate(values))
    samples, _, _ = parse_text(tmp_path, text + "\n")
    assert values_of(samples, "dram_active") == pytest.approx([0.005, 0.8])


def test_unit_line_declares_percent(tmp_path):
    text = (
        "# UNIT DCGM_FI_PROF_SM_ACTIVE percent\n"
        + line("DCGM_FI_PROF_SM_ACTIVE", "0.5")
        + "\n# EOF\n"
    )
    samples, _, _ = parse_text(tmp_path, text.replace(f" {T0}", " 1751328000"), "m.om")
    assert values_of(samples, "sm_active") == pytest.approx([0.005])


def test_out_of_range_shares_are_dropped(tmp_path):
    text = (
        line("DCGM_FI_PROF_SM_ACTIVE", "-0.2")
        + "\n"
        + line("DCGM_FI_PROF_SM_ACTIVE", "0.3", T0 + 1)
    )
    samples, stats, _ = parse_text(tmp_path, text + "\n")
    assert samples.value.tolist() == [0.3]
    assert stats.dropped_out_of_range == 1


def test_unknown_metrics_and_label_less_lines_are_counted_and_skipped(tmp_path):
    text = "\n".join(
        [
            "dcgm_exporter_up 1 1751328000000",
            line("DCGM_FI_DEV_SM_CLOCK", "1980"),
            line("DCGM_FI_DEV_POWER_USAGE", "100"),
        ]
    )
    samples, stats, _ = parse_text(tmp_path, text + "\n")
    assert len(samples) == 1
    assert stats.ignored_names == {"dcgm_exporter_up": 1, "DCGM_FI_DEV_SM_CLOCK": 1}


def test_samples_without_timestamp_need_the_scrape_time(tmp_path):
    text = line("DCGM_FI_DEV_POWER_USAGE", "100", ts=None) + "\n"
    with pytest.raises(DataFileError, match=r"m\.prom:1: sample has no timestamp"):
        parse_text(tmp_path, text)
    samples, _, _ = parse_text(tmp_path, text, default_ts_ms=T0 + 5)
    assert samples.ts_ms.tolist() == [T0 + 5]


def test_site_comes_from_the_label_or_the_command_line(tmp_path):
    no_site = LABELS.replace(',site="s1"', "")
    with pytest.raises(DataFileError, match="no site"):
        parse_text(tmp_path, line("DCGM_FI_DEV_POWER_USAGE", "1", labels=no_site) + "\n")
    _, _, series = parse_text(
        tmp_path, line("DCGM_FI_DEV_POWER_USAGE", "1", labels=no_site) + "\n", site="s9"
    )
    assert series.items[0].site == "s9"
    with pytest.raises(DataFileError, match="but the site given is 's9'"):
        parse_text(tmp_path, line("DCGM_FI_DEV_POWER_USAGE", "1") + "\n", site="s9")


def test_a_sample_without_uuid_is_an_error(tmp_path):
    labels = LABELS.replace(f'UUID="{UUID}",', "")
    with pytest.raises(DataFileError, match=r"m\.prom:1: sample has no UUID label"):
        parse_text(tmp_path, line("DCGM_FI_DEV_POWER_USAGE", "1", labels=labels) + "\n")


@pytest.mark.parametrize(
    "bad",
    [
        "DCGM_FI_DEV_POWER_USAGE{" + LABELS + "}",  # no value
        "DCGM_FI_DEV_POWER_USAGE{" + LABELS + "} abc 1751328000000",  # value not a number
        "DCGM_FI_DEV_POWER_USAGE{" + LABELS + "} 1 2 3",  # a token too many
        "9bad{" + LABELS + "} 1 1751328000000",  # name starts with a digit
        "DCGM_FI_DEV_POWER_USAGE{" + LABELS + " 1 1751328000000",  # label set not closed
    ],
)
def test_malformed_lines_report_file_and_line(tmp_path, bad):
    good = line("DCGM_FI_DEV_POWER_USAGE", "1")
    with pytest.raises(DataFileError, match=r"m\.prom:3: "):
        parse_text(tmp_path, f"{good}\n# a comment\n{bad}\n{good}\n")


def test_tabs_runs_of_blanks_and_crlf_are_read(tmp_path):
    lines = [
        "  # HELP DCGM_FI_DEV_POWER_USAGE indented comment",
        f"  DCGM_FI_DEV_POWER_USAGE{{{LABELS}}} 50 {T0 - 1}",
        f"DCGM_FI_DEV_POWER_USAGE{{{LABELS}}}\t100\t{T0}",
        f"DCGM_FI_DEV_POWER_USAGE{{{LABELS}}}   200   {T0 + 1}  ",
        f"DCGM_FI_DEV_POWER_USAGE{{{LABELS}}} 300 {T0 + 2}",
    ]
    samples, _, _ = parse_text(tmp_path, "\r\n".join(lines) + "\r\n")
    assert samples.value.tolist() == [50.0, 100.0, 200.0, 300.0]


def test_a_comment_after_eof_is_content_after_eof(tmp_path):
    text = f"{line('DCGM_FI_DEV_POWER_USAGE', '1', '1751328000')}\n# EOF\n# HELP x y\n# EOF\n"
    with pytest.raises(DataFileError, match=r"m\.om:2: '# EOF' must be the last line"):
        parse_text(tmp_path, text, "m.om")


def test_line_numbers_stay_right_across_blocks(tmp_path):
    good = [line("DCGM_FI_DEV_POWER_USAGE", str(i), T0 + i) for i in range(2000)]
    good[1733] = line("DCGM_FI_DEV_POWER_USAGE", "oops")
    with pytest.raises(DataFileError, match=r"m\.prom:1734: value is not a number: 'oops'"):
        parse_text(tmp_path, "\n".join(good) + "\n", block_bytes=4096)


def test_small_blocks_and_one_block_give_the_same_samples(tmp_path):
    text = "\n".join(line("DCGM_FI_DEV_POWER_USAGE", str(i), T0 + i) for i in range(3000))
    one, _, _ = parse_text(tmp_path, text, block_bytes=1 << 22)
    many, _, _ = parse_text(tmp_path, text, block_bytes=1000)
    assert np.array_equal(one.value, many.value) and np.array_equal(one.ts_ms, many.ts_ms)
    assert len(one) == 3000  # the last line had no line feed


def test_job_label_rule(tmp_path):
    cases = {
        'job="dcgm-exporter",pod="p1",namespace="ns"': "ns/p1",
        'job="train-7"': "train-7",
        'job="dcgm-exporter"': "",
        'exported_job="etl",pod="p1"': "etl",
        'hpc_job="1234",exported_job="etl"': "1234",
    }
    for extra, job in cases.items():
        _, _, series = parse_text(
            tmp_path, line("DCGM_FI_DEV_POWER_USAGE", "1", labels=f"{LABELS},{extra}") + "\n"
        )
        assert series.items[0].job == job, extra
