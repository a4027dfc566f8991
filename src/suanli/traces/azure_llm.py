"""Azure LLM inference traces (Splitwise, ISCA'24): `AzureLLMInferenceTrace_{code,conv}.csv`.

Timestamps carry 7 fractional digits (100 ns ticks); they become seconds since the first request
by subtracting integer ticks, so no digit is lost to float rounding of a 2023 epoch time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from suanli.errors import DataFileError, SuanliError
from suanli.traces.csvrows import integer, read_rows
from suanli.traces.llm import LlmRequest, arrivals_in_order

COLUMNS = ("TIMESTAMP", "ContextTokens", "GeneratedTokens")
TICKS_PER_S = 10_000_000
_STAMP = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d{1,7}))?")
_LAYOUT = "YYYY-MM-DD HH:MM:SS.fffffff"


def ticks(stamp: str) -> int:
    """`2023-11-16 18:17:03.9799600` as 100 ns ticks since 1970 (in the trace's time zone)."""
    match = _STAMP.fullmatch(stamp.strip())
    if match is None:
        raise ValueError(f"TIMESTAMP: expected {_LAYOUT}, got {stamp!r}")
    try:
        whole = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ValueError(f"TIMESTAMP: no such time: {stamp!r}") from None
    seconds = (whole - datetime(1970, 1, 1)) // timedelta(seconds=1)
    return seconds * TICKS_PER_S + int((match[2] or "").ljust(7, "0"))


def _request(row: dict[str, str], arrival_s: float, before: list[LlmRequest]) -> LlmRequest:
    arrivals_in_order(before[-1].arrival_s if before else 0.0, arrival_s)
    return LlmRequest(arrival_s, integer(row, "ContextTokens"), integer(row, "GeneratedTokens"))


def load_azure_llm_requests(path: Path) -> list[LlmRequest]:
    """All requests in file order; `arrival_s` is seconds since the first request."""
    requests: list[LlmRequest] = []
    first: int | None = None
    for line, row in read_rows(path, COLUMNS):
        try:
            stamp = ticks(row["TIMESTAMP"])
            first = stamp if first is None else first
            requests.append(_request(row, (stamp - first) / TICKS_PER_S, requests))
        except (ValueError, SuanliError) as exc:
            raise DataFileError(f"{path}:{line}: {exc}") from None
    return requests
