"""Who takes part in the exchange, and in what role."""

from __future__ import annotations

from enum import StrEnum

from suanli.errors import UnknownNameError


class Role(StrEnum):
    OPERATOR = "operator"
    """Runs the exchange: may do everything."""
    SUPPLIER = "supplier"
    """Owns sites and pools, reports jobs started and finished, is paid through receivables."""
    BUYER = "buyer"
    """Submits jobs, accepts quotes, pays from its wallet."""
    AUDITOR = "auditor"
    """Reads everything, changes nothing."""


def holds_money(role: Role) -> bool:
    """Whether accounts of `role` have a wallet, escrow and receivable: auditors only read the
    books, so they hold no money and cannot be topped up or given credit."""
    return role is not Role.AUDITOR


def role_named(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        raise UnknownNameError("role", name, [r.value for r in Role]) from None
