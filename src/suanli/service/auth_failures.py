"""Failed authentications are limited, so that API keys cannot be guessed at speed.

The rule: a request that needs a key is refused with 429 and `Retry-After` while its client
address, or the key it presents, has had `auth_failure_limit` failed authentications (no key,
or an unknown or revoked one) in the current window. A window opens at a subject's first
failure and lasts `auth_failure_window_s` (ServiceSettings: 20 failures in 60 s by default);
when it has passed, the count starts again from zero.

- The check comes before the key is looked up: a blocked caller costs no database read.
- Success does not reset a count, so a good key from a blocked address waits out the window
  too (else a caller with one good key could guess others between its own requests). Other
  addresses are not affected; a good key fails nowhere, so its own count never grows.
- Keys are tracked by their SHA-256, never by their text.

The counts are kept in memory, per app: a restart forgets them, and each process of a
multi-process server allows the limit on its own. At most `MAX_TRACKED` addresses and keys are
tracked; past that, windows that have passed are dropped, then the oldest ones. The address is
the one the server reports (uvicorn believes X-Forwarded-For only from `--forwarded-allow-ips`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from starlette.responses import Response

from suanli.service.problems import problem_body, respond
from suanli.service.settings import ServiceSettings
from suanli.store.accounts import hash_key
from suanli.store.ids import Clock

MAX_TRACKED = 50_000
"""Addresses and keys tracked at once (some 200 bytes each: at most about 10 MB)."""


@dataclass(slots=True)
class _Window:
    opened: datetime
    failures: int


class TooManyFailedAuthenticationsError(Exception):
    """Raised before a key is looked up, when the caller is blocked; answered 429."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"too many failed authentications from this address or with this key; retry in "
            f"{retry_after_s} s with a valid key (an operator creates keys with 'suanli admin "
            "create-key')"
        )
        self.retry_after_s = retry_after_s


class AuthFailures:
    """Failure counts per subject (`subjects()`), in windows of `window` on `clock`."""

    def __init__(self, limit: int, window: timedelta, clock: Clock) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.max_tracked = MAX_TRACKED
        self._windows: dict[str, _Window] = {}  # in the order the windows opened
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many addresses and keys are tracked now."""
        return len(self._windows)

    @staticmethod
    def subjects(address: str, key: str | None) -> tuple[str, ...]:
        """Who is counted for a request: its address, and the key it presents (hashed)."""
        return (f"addr:{address}",) + ((f"key:{hash_key(key)}",) if key else ())

    def check(self, subjects: Sequence[str]) -> None:
        """Raise `TooManyFailedAuthenticationsError` when any of `subjects` is blocked."""
        now = self.clock()
        with self._lock:
            wait = max(self._blocked_for(s, now) for s in subjects)
        if wait > timedelta(0):
            raise TooManyFailedAuthenticationsError(max(1, math.ceil(wait.total_seconds())))

    def record_failure(self, subjects: Sequence[str]) -> None:
        now = self.clock()
        with self._lock:
            for subject in subjects:
                window = self._windows.get(subject)
                if window is None or self._passed(window, now):
                    self._windows.pop(subject, None)
                    self._make_room(now)
                    self._windows[subject] = _Window(now, 1)
                else:
                    window.failures += 1

    def _blocked_for(self, subject: str, now: datetime) -> timedelta:
        window = self._windows.get(subject)
        if window is None or window.failures < self.limit or self._passed(window, now):
            return timedelta(0)
        return window.opened + self.window - now

    def _passed(self, window: _Window, now: datetime) -> bool:
        return now >= window.opened + self.window

    def _make_room(self, now: datetime) -> None:
        """Drop passed windows from the front (the oldest), then the oldest while full."""
        while self._windows:
            oldest = next(iter(self._windows))
            full = len(self._windows) >= self.max_tracked
            if not full and not self._passed(self._windows[oldest], now):
                return
            del self._windows[oldest]


def get_auth_failures(request: Request) -> AuthFailures:
    failures: AuthFailures = request.app.state.auth_failures
    return failures


AuthFailuresDep = Annotated[AuthFailures, Depends(get_auth_failures)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def too_many_failures(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyFailedAuthenticationsError)
    body = problem_body(429, "too-many-failed-authentications", str(exc), request.url.path)
    response = respond(429, body)
    response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def install(app: FastAPI, settings: ServiceSettings, clock: Clock) -> None:
    window = timedelta(seconds=settings.auth_failure_window_s)
    app.state.auth_failures = AuthFailures(settings.auth_failure_limit, window, clock)
    app.add_exception_handler(TooManyFailedAuthenticationsError, too_many_failures)
