import statistics

import pytest

from suanli.traces import load_azure_llm_requests

HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
ROWS = "2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,3180,8"


def test_arrivals_count_seconds_from_the_first_request_exactly(write):
    text = HEADER + ROWS + "\n2023-11-16 19:14:19.9280161,549,173"  # no trailing newline
    first, second, last = load_azure_llm_requests(write("code.csv", text))
    assert (first.arrival_s, first.input_tokens, first.output_tokens) == (0.0, 4808, 10)
    assert second.arrival_s == 0.052
    assert last.arrival_s == 3435.9480561  # the 7th fractional digit survives
    assert last.prefix_blocks == ()


def test_fewer_fractional_digits_and_whole_seconds_parse(write):
    text = HEADER + "2023-11-16 18:00:00,1,1\n2023-11-16 18:00:01.5,1,1\n"
    assert [r.arrival_s for r in load_azure_llm_requests(write("t.csv", text))] == [0.0, 1.5]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (HEADER + ROWS + "\n2023-11-16 18:17:05,lots,1", 4, "ContextTokens: expected an integer"),
        (HEADER + "16/11/2023 18:17,1,1\n", 2, "TIMESTAMP: expected YYYY-MM-DD HH:MM:SS.fffffff"),
        (HEADER + "2023-11-16 18:17:03.12345678,1,1\n", 2, "TIMESTAMP: expected YYYY-MM-DD"),
        (HEADER + "2023-02-30 18:17:03,1,1\n", 2, "TIMESTAMP: no such time: '2023-02-30 18:17:03'"),
        (HEADER + ROWS + "\n2023-11-16 18:17:03.0,1,1", 4, "arrives at -0.9799600 s, before"),
        (HEADER + ROWS + "\n2023-11-16 18:17:05,-1,1", 4, "input tokens must be >= 0, got -1"),
    ],
)
def test_malformed_rows_name_file_and_line(write, rejects, text, line, message):
    assert rejects(load_azure_llm_requests, write("code.csv", text), line).startswith(message)


@pytest.mark.traces
@pytest.mark.parametrize(
    ("kind", "rows", "last_s", "median_in", "median_out"),
    [("code", 8819, 3435.948056, 1469, 13), ("conv", 19366, 3501.721937, 1020, 129)],
)
def test_traces_match_sources_md(trace_dir, kind, rows, last_s, median_in, median_out):
    path = trace_dir / "azure-llm-inference-2023" / f"AzureLLMInferenceTrace_{kind}.csv"
    requests = load_azure_llm_requests(path)
    assert len(requests) == rows  # the last line has no newline and still counts
    assert requests[0].arrival_s == 0.0
    assert requests[-1].arrival_s == pytest.approx(last_s, abs=1e-7)  # about one hour
    assert statistics.median(r.input_tokens for r in requests) == median_in
    assert statistics.median(r.output_tokens for r in requests) == median_out
