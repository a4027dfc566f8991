import json
import statistics

import pytest

from suanli.traces import load_mooncake_requests

FIRST = '{"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2]}\n'


def record(**change: object) -> str:
    base = {"timestamp": 27, "input_length": 700, "output_length": 5, "hash_ids": [0, 3]}
    return json.dumps(base | change) + "\n"


def test_requests_keep_their_prefix_blocks(write):
    requests = load_mooncake_requests(write("t.jsonl", FIRST + "\n" + record()))
    assert [(r.arrival_s, r.input_tokens, r.output_tokens) for r in requests] == [
        (0.0, 6758, 500),
        (0.027, 700, 5),
    ]
    assert requests[1].prefix_blocks == (0, 3)  # block 0 is shared with the first request


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (record(input_length=7.5), "input_length: expected an integer, got 7.5"),
        (record(hash_ids=[1, "x"]), "hash_ids: expected a list of integers"),
        (record(hash_ids=None), "hash_ids: expected a list, got None"),
        (record(timestamp=None), "timestamp: expected a number, got None"),
        (record(output_length=-1), "output tokens must be >= 0, got -1"),
        ('{"timestamp": 5, "input_length": 1\n', "invalid JSON: Expecting ',' delimiter"),
        ("[1, 2]\n", "expected a JSON object, got list"),
    ],
)
def test_a_bad_record_names_its_line(write, rejects, bad, message):
    path = write("t.jsonl", FIRST + record() + bad + record(timestamp=99))
    assert rejects(load_mooncake_requests, path, 3) == message


def test_arrivals_must_not_go_back_in_time(write, rejects):
    path = write("t.jsonl", FIRST + record(timestamp=500) + record(timestamp=400))
    message = rejects(load_mooncake_requests, path, 3)
    assert message.startswith("arrives at 0.4000000 s, before the previous request (0.5000000 s)")


@pytest.mark.traces
@pytest.mark.parametrize(
    ("name", "rows", "last_ms", "mean_in", "mean_out"),
    [("conversation", 12031, 3_536_999, 12035, 343), ("synthetic", 3993, 1_022_025, 15325, 149)],
)
def test_traces_match_sources_md(trace_dir, name, rows, last_ms, mean_in, mean_out):
    requests = load_mooncake_requests(trace_dir / "mooncake-fast25" / f"{name}_trace.jsonl")
    assert len(requests) == rows
    assert requests[-1].arrival_s == last_ms / 1000
    assert round(statistics.mean(r.input_tokens for r in requests)) == mean_in
    assert round(statistics.mean(r.output_tokens for r in requests)) == mean_out
    assert all(r.prefix_blocks for r in requests)
