"""Mooncake traces (Kimi, FAST'25): one JSON object per line, timestamps in ms from the start."""

from __future__ import annotations

from pathlib import Path

from suanli.errors import DataFileError, SuanliError
from suanli.traces.jsonrecords import Record, as_object, integer, items, json_lines, number
from suanli.traces.llm import LlmRequest, arrivals_in_order

MS_PER_S = 1000.0


def _blocks(record: Record) -> tuple[int, ...]:
    blocks = items(record, "hash_ids")
    if not all(isinstance(b, int) and not isinstance(b, bool) for b in blocks):
        raise ValueError("hash_ids: expected a list of integers")
    return tuple(b for b in blocks if isinstance(b, int))


def _request(record: Record, before: list[LlmRequest]) -> LlmRequest:
    arrival_s = number(record, "timestamp") / MS_PER_S
    arrivals_in_order(before[-1].arrival_s if before else 0.0, arrival_s)
    return LlmRequest(
        arrival_s=arrival_s,
        input_tokens=integer(record, "input_length"),
        output_tokens=integer(record, "output_length"),
        prefix_blocks=_blocks(record),
    )


def load_mooncake_requests(path: Path) -> list[LlmRequest]:
    """All requests in file order, `arrival_s` = timestamp / 1000; a bad line names its number."""
    requests: list[LlmRequest] = []
    for line, value in json_lines(path):
        try:
            requests.append(_request(as_object(value), requests))
        except (ValueError, SuanliError) as exc:
            raise DataFileError(f"{path}:{line}: {exc}") from None
    return requests
