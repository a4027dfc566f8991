"""Money as integers of fen (1 yuan = 100 fen), so that postings sum to exactly zero."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from suanli.errors import InvalidValueError

FEN_PER_YUAN = 100
BASIS_POINTS = 10_000
MAX_FEN = 10**15
"""Ten trillion yuan: far above any real amount, far below the 64-bit limit of the columns."""


def to_fen(yuan: float | Decimal | str) -> int:
    """Yuan to fen, rounded half to even; raises `InvalidValueError` for NaN or huge values."""
    value = Decimal(str(yuan))
    if not value.is_finite() or abs(value) * FEN_PER_YUAN > MAX_FEN:
        raise InvalidValueError(f"amount must be a finite number of yuan below 1e13, got {yuan}")
    return int((value * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def to_yuan(fen: int) -> float:
    """Fen to yuan, for display."""
    return fen / FEN_PER_YUAN


def share(amount_fen: int, basis_points: int) -> int:
    """`amount × basis_points / 10 000`, rounded half to even, in whole fen."""
    if not 0 <= basis_points <= BASIS_POINTS:
        raise InvalidValueError(f"basis points must be within 0..10000, got {basis_points}")
    exact = Decimal(amount_fen) * basis_points / BASIS_POINTS
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
