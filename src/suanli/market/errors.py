"""What can go wrong on the exchange, each error saying how to fix it.

A shallow hierarchy under `SuanliError` (see `suanli.errors`); the service maps each class to an
HTTP status and the CLI to an exit code, so nothing here knows about either.
"""

from __future__ import annotations

from suanli.errors import SuanliError


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
