"""The one error module: every error says what went wrong and how to fix it.

A shallow hierarchy (after httpx): `SuanliError` for everything a user can cause, so the CLI and the
service can turn it into a clean message; outside errors are translated where they enter.
Exit codes live only in `cli/`, HTTP status codes only in `service/`.
"""

from __future__ import annotations

from dataclasses import dataclass


class SuanliError(Exception):
    """A problem the user can fix; the message says how."""


class InvalidValueError(SuanliError, ValueError):
    """A value object was given a value outside its domain (negative count, latitude > 90...)."""


KNOWN_SHOWN = 20
"""An unknown-name message lists at most this many known names."""


class UnknownNameError(SuanliError, KeyError):
    """A name (GPU model, preset, policy, region) that is not in its registry."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        self.kind, self.name, self.known = kind, name, known
        shown = ", ".join(known[:KNOWN_SHOWN])
        more = f" and {len(known) - KNOWN_SHOWN} more" if len(known) > KNOWN_SHOWN else ""
        super().__init__(f"unknown {kind} {name!r}; known: {shown}{more}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class DataFileError(SuanliError):
    """A data file (trace, catalog) that is missing or malformed; names the file and line."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem, reported as `FILE:LINE: field: message`."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class InvalidFileError(SuanliError):
    """A file has one or more problems; all of them are listed, sorted by line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


# --- the exchange: the service maps each class to an HTTP status, the CLI to an exit code ---


class NotFoundError(SuanliError, LookupError):
    """The thing asked for does not exist, or the caller may not see it."""

    def __init__(self, kind: str, ident: str, hint: str = "") -> None:
        self.kind, self.ident = kind, ident
        tail = f"; {hint}" if hint else ""
        super().__init__(f"no {kind} {ident!r}{tail}")


class UnauthorizedError(SuanliError):
    """No credentials, or credentials that match no key."""


class ForbiddenError(SuanliError):
    """The caller is known but its role or ownership does not allow the action."""


class ConflictError(SuanliError):
    """The request is well formed but clashes with the current state."""


class AlreadyExistsError(ConflictError):
    """An id that is already taken."""


class InvalidTransitionError(ConflictError):
    """A job event that its current status does not allow."""


class InsufficientFundsError(ConflictError):
    """A posting would take an account below its floor (zero, or minus its credit limit)."""


class CapacityError(ConflictError):
    """A pool no longer has the GPUs a quote asked for."""


class QuoteExpiredError(ConflictError):
    """A quote past its expiry time."""


class IdempotencyKeyReusedError(ConflictError):
    """An Idempotency-Key sent again with a different request."""


# --- the database boundary: outside errors are translated where they enter ---


class DatabaseUrlError(SuanliError):
    """A database URL that is malformed or names an engine suanli does not support."""


class DatabaseUnavailableError(SuanliError):
    """The database could not be reached or opened."""


class SolverError(SuanliError):
    """HiGHS failed on the placement model for a reason other than time (a bug: report it with
    the network and workload files; `--policy greedy` still plans)."""
