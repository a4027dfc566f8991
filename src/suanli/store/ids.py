"""The clock and the id generators that the exchange injects (STYLE.md rule 8)."""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
"""Now, as an aware UTC datetime."""

NewId = Callable[[str], str]
"""A new unique id that starts with the given prefix, e.g. `job_...`."""

NewSecret = Callable[[], str]
"""A new secret for an API key (256 random bits)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def random_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def random_secret() -> str:
    return secrets.token_urlsafe(32)


class CountingIds:
    """Deterministic ids for tests and simulations: `job_000001`, `job_000002`, ...
    (thread-safe: the service calls it from its worker threads)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def __call__(self, prefix: str) -> str:
        with self.lock:
            self.counts[prefix] = self.counts.get(prefix, 0) + 1
            return f"{prefix}_{self.counts[prefix]:06d}"


class FakeClock:
    """A clock that stands still until moved: `clock.advance(seconds=301)`."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
