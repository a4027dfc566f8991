from datetime import date

import pytest

from suanli.traces import load_helios_days

HEADER = "date,vcA,vcB,total\n"


def test_every_other_column_is_a_virtual_cluster(write):
    (day,) = load_helios_days(write("gpus.csv", HEADER + "2020-04-01,72,0,968\n"))
    assert day.day == date(2020, 4, 1)
    assert day.vc_gpus == (("vcA", 72), ("vcB", 0))
    assert (day.gpus("vcA"), day.total) == (72, 968)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (HEADER + "2020-04-01,1,2,3\n2020-04-32,1,2,3\n", 3, "date: expected YYYY-MM-DD"),
        (HEADER + "2020-04-01,1,x,3\n", 2, "vcB: expected an integer, got 'x'"),
        (HEADER + "2020-04-01,1,-2,3\n", 2, "vcB must be >= 0, got -2"),
        (HEADER + "2020-04-01,1,2\n", 2, "wrong number of columns"),
        ("day,vcA,total\n", 1, "header lacks column(s) date"),
    ],
)
def test_malformed_rows_name_file_and_line(write, rejects, text, line, message):
    assert rejects(load_helios_days, write("gpus.csv", text), line).startswith(message)


@pytest.mark.traces
def test_venus_matches_sources_md(trace_dir):
    days = load_helios_days(trace_dir / "helios-venus" / "cluster_gpu_number.csv")
    assert len(days) == 181
    assert (days[0].day, days[-1].day) == (date(2020, 4, 1), date(2020, 9, 28))
    assert {len(d.vc_gpus) for d in days} == {25}
    assert (min(d.total for d in days), max(d.total for d in days)) == (968, 1264)
    assert days[0].gpus("vcEwI") == 72 and days[0].total == 968
    assert all(sum(g for _, g in d.vc_gpus) == d.total for d in days)
