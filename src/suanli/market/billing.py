"""What a completed job costs: its certified GPU-hours at the quoted prices, never more than it
reserved (issue 6, part 5).

The telemetry audit (`suanli.metering`) certifies GPU-hours per site and job. Each quote line is
charged, for the site it runs on, its share of that site's certified hours (by the line's GPUs)
at the line's price per GPU-hour, capped at what the line reserved. A site that sent no
telemetry for the job is billed as reserved, as before telemetry existed. What is not charged
is refunded from escrow to the buyer's wallet (`suanli.market.ledger.refund`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Any

from suanli.market.money import FEN_PER_YUAN

NO_TELEMETRY = "no telemetry: billed as reserved"


class Basis(StrEnum):
    """What a bill was computed from."""

    CERTIFIED = "certified"
    """Every line from certified GPU-hours."""
    PARTLY_CERTIFIED = "partly_certified"
    """Lines on sites with telemetry from certified GPU-hours, the others as reserved."""
    RESERVED = "reserved"
    """No telemetry for the job: the reserved amount."""


@dataclass(frozen=True, slots=True)
class LineTerms:
    """One quote line as billing sees it."""

    site: str
    gpus: int
    price_yuan_per_gpu_hour: float
    reserved_fen: int


@dataclass(frozen=True, slots=True)
class JobUsage:
    """The audit's verdict on one job: certified GPU-hours per site that sent telemetry for it,
    and the summary the bill shows."""

    certified_gpu_hours: Mapping[str, float]
    audit: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LineCharge:
    charged_fen: int
    certified_gpu_hours: float | None
    """The hours the line was charged for; None when billed as reserved."""


def charges(lines: Sequence[LineTerms], usage: JobUsage | None) -> list[LineCharge]:
    """The charge of each line (see the module docstring)."""
    certified = usage.certified_gpu_hours if usage is not None else {}
    site_gpus: dict[str, int] = defaultdict(int)
    for line in lines:
        site_gpus[line.site] += line.gpus
    out = []
    for line in lines:
        hours = certified.get(line.site)
        if hours is None:
            out.append(LineCharge(line.reserved_fen, None))
            continue
        share = Decimal(str(hours)) * line.gpus / site_gpus[line.site]
        exact = share * Decimal(str(line.price_yuan_per_gpu_hour)) * FEN_PER_YUAN
        fen = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        out.append(LineCharge(max(0, min(line.reserved_fen, fen)), float(round(share, 4))))
    return out


def basis_of(billed: Sequence[LineCharge]) -> Basis:
    certified = [c.certified_gpu_hours is not None for c in billed]
    if certified and all(certified):
        return Basis.CERTIFIED
    return Basis.PARTLY_CERTIFIED if any(certified) else Basis.RESERVED
