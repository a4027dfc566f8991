"""The catalog's trace-derived numbers, recomputed from the public trace files."""

import csv
import json
import math
import statistics
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from suanli.catalog import read_table

pytestmark = pytest.mark.traces

OPENB_PODS = "alibaba-openb-gpu-v2023/openb_pod_list_default.csv"
PHILLY_JOBS = "philly-derived-marwage/jobs.json"
ACME_SUMMARY = "acmetrace/cluster_summary.csv"
AZURE = {
    "chat": "azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv",
    "code": "azure-llm-inference-2023/AzureLLMInferenceTrace_code.csv",
}
MOONCAKE = "mooncake-fast25/conversation_trace.jsonl"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _philly(trace_dir: Path) -> list[dict]:
    return json.loads((trace_dir / PHILLY_JOBS).read_text("utf-8"))


def _mooncake(trace_dir: Path) -> list[dict]:
    lines = (trace_dir / MOONCAKE).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _job_mix(component: str) -> dict[int, int]:
    rows = read_table("job_mix")
    return {int(r["gpus"]): int(r["count"]) for r in rows if r["component"] == component}


def _stats() -> dict[str, float]:
    return {r["name"]: float(r["value"]) for r in read_table("trace_stats")}


def _table_by_profile(table: str) -> dict[str, dict[str, str]]:
    return {r["profile"]: r for r in read_table(table)}


def test_small_jobs_are_the_openb_whole_gpu_pods_by_gpu_count(trace_dir):
    pods = _csv(trace_dir / OPENB_PODS)
    whole = [int(p["num_gpu"]) for p in pods if int(p["num_gpu"]) > 0 and p["gpu_milli"] == "1000"]
    assert dict(Counter(whole)) == _job_mix("small")


def test_large_jobs_are_the_philly_subset_by_gpu_count(trace_dir):
    assert dict(Counter(j["num_gpus"] for j in _philly(trace_dir))) == _job_mix("large")


def test_philly_whole_trace_stats_are_acmetrace_s(trace_dir):
    philly = next(r for r in _csv(trace_dir / ACME_SUMMARY) if r["id"] == "Philly")
    stats = _stats()
    assert stats["philly_mean_gpus_per_job"] == float(philly["avg_gpu_num"])
    assert stats["philly_median_run_seconds"] == float(philly["med_run_time_gpu"])
    assert stats["philly_mean_run_seconds"] == float(philly["avg_run_time_gpu"])
    assert stats["philly_max_run_seconds"] == float(philly["max_run_time_gpu"])


def test_large_job_log_runtime_mean_and_sd_are_the_philly_subset_s(trace_dir):
    # `runtime` is in minutes; the table holds ln(hours), sd over the population.
    log_hours = [math.log(j["runtime"] / 60) for j in _philly(trace_dir)]
    stats = _stats()
    assert stats["large_log_run_hours_mean"] == pytest.approx(statistics.fmean(log_hours), abs=5e-4)
    assert stats["large_log_run_hours_sd"] == pytest.approx(statistics.pstdev(log_hours), abs=5e-4)


@pytest.mark.parametrize("profile", sorted(AZURE))
def test_azure_profiles_are_the_median_tokens_and_arrival_rate(trace_dir, profile):
    rows = _csv(trace_dir / AZURE[profile])
    expected = _table_by_profile("request_profiles")[profile]
    assert statistics.median(int(r["ContextTokens"]) for r in rows) == int(expected["input_tokens"])
    assert statistics.median(int(r["GeneratedTokens"]) for r in rows) == int(
        expected["output_tokens"]
    )
    first, last = (datetime.fromisoformat(rows[i]["TIMESTAMP"]) for i in (0, -1))
    rate = len(rows) / (last - first).total_seconds()
    assert float(_table_by_profile("request_rates")[profile]["requests_per_second"]) == round(
        rate, 3
    )


def test_long_context_profile_is_mooncake_s_median_tokens_and_arrival_rate(trace_dir):
    requests = _mooncake(trace_dir)
    expected = _table_by_profile("request_profiles")["long-context"]
    assert statistics.median(r["input_length"] for r in requests) == int(expected["input_tokens"])
    assert statistics.median(r["output_length"] for r in requests) == int(expected["output_tokens"])
    span_s = (requests[-1]["timestamp"] - requests[0]["timestamp"]) / 1000
    rate = float(_table_by_profile("request_rates")["long-context"]["requests_per_second"])
    assert rate == round(len(requests) / span_s, 3)
