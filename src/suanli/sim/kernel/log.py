"""Event logs as JSON lines: one sorted-key record per event, so equal runs give equal bytes."""

from __future__ import annotations

import json
from typing import TextIO


class JsonLinesLog:
    """An `EventLog` writing each record to `stream` as one JSON line."""

    __slots__ = ("_stream",)

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, record: dict[str, object]) -> None:
        self._stream.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
