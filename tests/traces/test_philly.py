import json
from collections import Counter
from datetime import datetime

import pytest

from suanli.traces import load_philly_jobs

JOB = {
    "id": "application_1506638472019_14199",
    "num_gpus": 8,
    "runtime": 3221.05,
    "attempts": [
        {"start_time": "2017-10-07 01:12:09", "end_time": "2017-10-07 01:13:23"},
        {"start_time": "2017-10-07 01:13:30", "end_time": "2017-10-09 06:53:12"},
    ],
    "submitted_time": "2017-10-07 01:11:39",
}
ONE_LINE = json.dumps(JOB)


def jobs_text(*jobs: dict[str, object]) -> str:
    """Pretty-printed like the real file: each job spans many lines."""
    return json.dumps(list(jobs), indent=4)


def test_runtime_is_read_in_minutes(write):
    (job,) = load_philly_jobs(write("jobs.json", jobs_text(JOB)))
    assert job.gpus == 8
    assert job.runtime_minutes == 3221.05
    assert job.runtime_hours == pytest.approx(53.684, abs=1e-3)
    assert job.gpu_hours == pytest.approx(8 * 3221.05 / 60)
    assert job.submitted == datetime(2017, 10, 7, 1, 11, 39)
    span = job.attempts[-1].end - job.attempts[0].start
    assert span.total_seconds() / 60 == pytest.approx(job.runtime_minutes)


def test_an_empty_array_is_no_jobs(write):
    assert load_philly_jobs(write("jobs.json", " [ ]\n")) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"runtime": "long"}, "entry 1: runtime: expected a number, got 'long'"),
        ({"num_gpus": 0}, "entry 1: num_gpus must be > 0, got 0"),
        ({"num_gpus": True}, "entry 1: num_gpus: expected an integer, got True"),
        ({"attempts": []}, "entry 1: attempts: a job needs at least one attempt"),
        ({"submitted_time": "7 Oct 2017"}, "entry 1: submitted_time: expected a time like"),
        ({"id": None}, "entry 1: id: expected a non-empty string, got None"),
    ],
)
def test_a_bad_entry_is_named_by_line_and_index(write, rejects, change, message):
    path = write("jobs.json", jobs_text(JOB, JOB | change))
    # The second entry opens on line 18 of the indented array (the first spans lines 2-17).
    assert rejects(load_philly_jobs, path, 18).startswith(message)


def test_a_missing_field_and_a_bad_attempt_are_named(write, rejects):
    bad_attempt = {"start_time": "2017-10-07 02:00:00", "end_time": "2017-10-07 01:00:00"}
    text = "[" + json.dumps(JOB) + ",\n" + json.dumps(JOB | {"attempts": [bad_attempt]}) + "]"
    assert rejects(load_philly_jobs, write("jobs.json", text), 2) == (
        "entry 1: attempt ends at 2017-10-07 01:00:00, before its start 2017-10-07 02:00:00"
    )
    missing = {k: v for k, v in JOB.items() if k != "attempts"}
    text = "[\n" + json.dumps(missing) + "\n]"
    assert rejects(load_philly_jobs, write("jobs.json", text), 2) == "entry 0: attempts: missing"
    text = "[\n" + json.dumps(JOB) + ",\n  [1, 2]\n]"
    message = rejects(load_philly_jobs, write("jobs.json", text), 3)
    assert message == "entry 1: expected a JSON object, got list"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[\n{"id": "a",\n "num_gpus": 4,,\n}]', 3, "invalid JSON: Expecting property name"),
        (f"[\n{ONE_LINE},\n]", 3, "invalid JSON: Expecting value"),
        (f"[\n{ONE_LINE}\n{ONE_LINE}]", 3, "invalid JSON: expected ','"),
        (f"[{ONE_LINE}, \n", 2, "invalid JSON: Expecting value"),
        ('{"id": "a"}', 1, "invalid JSON: expected '['"),
        (f"[{ONE_LINE}]\n[]", 2, "invalid JSON: extra data after the array"),
    ],
)
def test_broken_json_names_the_line(write, rejects, text, line, message):
    assert rejects(load_philly_jobs, write("jobs.json", text), line).startswith(message)


@pytest.mark.traces
def test_job_list_matches_sources_md(trace_dir):
    jobs = load_philly_jobs(trace_dir / "philly-derived-marwage" / "jobs.json")
    assert len(jobs) == 3034
    gpus = Counter(j.gpus for j in jobs)
    assert (gpus[4], gpus[8], gpus[16], gpus[32]) == (1457, 1353, 148, 61)
    assert min(j.submitted for j in jobs).date().isoformat() == "2017-09-04"
    assert max(j.submitted for j in jobs).date().isoformat() == "2017-12-22"
    assert min(j.runtime_minutes for j in jobs) >= 10  # the fork kept jobs of >= 10 minutes
    assert jobs[0].runtime_minutes == 3221.05 and len(jobs[0].attempts) == 2
    assert sum(j.gpu_hours for j in jobs) == pytest.approx(776_341.82, abs=0.01)
