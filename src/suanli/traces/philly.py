"""Microsoft Philly (ATC'19) jobs, the marwage subset: `jobs.json`, one JSON array.

The subset is biased (>= 4 GPUs, passed, >= 10 minutes; see SOURCES.md). `runtime` is in MINUTES,
from the first attempt's start to the last attempt's end, retries and gaps included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from suanli.domain.checks import non_negative, positive, require
from suanli.traces.jsonrecords import (
    Record,
    as_object,
    integer,
    items,
    json_array,
    moment,
    number,
    parse_records,
    string,
)


@dataclass(frozen=True, slots=True)
class PhillyAttempt:
    """One scheduling attempt, in the trace's local (unstated) time zone."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require(
            self.end >= self.start, f"attempt ends at {self.end}, before its start {self.start}"
        )


@dataclass(frozen=True, slots=True)
class PhillyJob:
    """A job: GPUs of its first attempt, its runtime in minutes, and every attempt."""

    id: str
    gpus: int
    runtime_minutes: float
    submitted: datetime
    attempts: tuple[PhillyAttempt, ...]

    def __post_init__(self) -> None:
        positive("num_gpus", self.gpus)
        non_negative("runtime", self.runtime_minutes)
        require(bool(self.attempts), "attempts: a job needs at least one attempt")

    @property
    def runtime_hours(self) -> float:
        return self.runtime_minutes / 60.0

    @property
    def gpu_hours(self) -> float:
        """GPUs × runtime: the GPU-hours the job held, retries and gaps included as in the trace."""
        return self.gpus * self.runtime_hours


def _attempt(value: object) -> PhillyAttempt:
    record = as_object(value)
    return PhillyAttempt(moment(record, "start_time"), moment(record, "end_time"))


def _job(record: Record) -> PhillyJob:
    return PhillyJob(
        id=string(record, "id"),
        gpus=integer(record, "num_gpus"),
        runtime_minutes=number(record, "runtime"),
        submitted=moment(record, "submitted_time"),
        attempts=tuple(_attempt(a) for a in items(record, "attempts")),
    )


def load_philly_jobs(path: Path) -> list[PhillyJob]:
    """All jobs in file order; a bad entry is reported as `FILE:LINE: entry INDEX: message`."""
    return parse_records(path, json_array(path), _job, label=lambda index: f"entry {index}: ")
