"""Small guards used by value objects to reject impossible values at construction."""

from __future__ import annotations

from collections.abc import Iterable

from suanli.errors import InvalidValueError


def require(condition: bool, message: str) -> None:
    """Raise `InvalidValueError(message)` unless `condition` holds."""
    if not condition:
        raise InvalidValueError(message)


def positive(name: str, value: float) -> None:
    require(value > 0, f"{name} must be > 0, got {value}")


def non_negative(name: str, value: float) -> None:
    require(value >= 0, f"{name} must be >= 0, got {value}")


def latitude_longitude(lat: float, lon: float) -> None:
    require(-90.0 <= lat <= 90.0, f"latitude must be within -90..90, got {lat}")
    require(-180.0 <= lon <= 180.0, f"longitude must be within -180..180, got {lon}")


def unique(kind: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        require(item not in seen, f"duplicate {kind} id {item!r}")
        seen.add(item)
