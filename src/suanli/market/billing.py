"""What each quote line of a reserved job holds and is charged (issues 6 and 9).

A line holds, from its reservation on, at least its *minimum*: `min_billable_gpu_hours` per GPU
at the line's price (one GPU-hour per GPU by default). So a reservation holds money in
proportion to the capacity it blocks, whatever the work it claims, and a quote that rounds to
nothing is refused (`line_hold`). When the line closes (`charges`, by the transition's effect):

    completed (SETTLE)   its share of its site's certified GPU-hours (by the line's GPUs) at its
                         price, at least the minimum, at most what it holds; all it holds when
                         its site sent no telemetry for the job
    cancelled, expired   the minimum: the buyer blocked the GPUs and did not use them (for an
    (CHARGE_MINIMUM)     expired line, not started by its deadline, this is the no-show fee)
    failed (REFUND)      nothing: the supplier failed

What is not charged is refunded from escrow to the buyer's wallet (`suanli.market.settlement`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Any

from suanli.errors import ConflictError
from suanli.market.lifecycle import Effect
from suanli.market.money import FEN_PER_YUAN, to_fen

NO_TELEMETRY = "no telemetry: billed as reserved"
MIN_BILLABLE_GPU_HOURS = 1.0
"""Default minimum billable unit: one GPU-hour per GPU of a line (`ServiceSettings`)."""


class LineBasis(StrEnum):
    """What one line's charge was computed from."""

    CERTIFIED = "certified"
    """Certified GPU-hours of its site's telemetry."""
    RESERVED = "reserved"
    """No telemetry from its site for the job: all it held."""
    MINIMUM = "minimum"
    """The minimum billable amount (cancelled, expired, or certified below it)."""
    REFUNDED = "refunded"
    """Nothing: its supplier reported it failed."""


class Basis(StrEnum):
    """What a job's bill was computed from, over its lines."""

    CERTIFIED = "certified"
    PARTLY_CERTIFIED = "partly_certified"
    """Some lines on certified GPU-hours, the others as reserved."""
    RESERVED = "reserved"
    MINIMUM = "minimum"
    REFUNDED = "refunded"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class LineHold:
    minimum_fen: int
    hold_fen: int


@dataclass(frozen=True, slots=True)
class LineTerms:
    """One reserved quote line as billing sees it."""

    site: str
    gpus: int
    price_yuan_per_gpu_hour: float
    reserved_fen: int
    minimum_fen: int


@dataclass(frozen=True, slots=True)
class JobUsage:
    """The audit's verdict on one job: certified GPU-hours per site that sent telemetry for it,
    and each such site's audit summary, which the bill shows."""

    certified_gpu_hours: Mapping[str, float]
    audits: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LineCharge:
    basis: LineBasis
    charged_fen: int
    certified_gpu_hours: float | None = None
    """Certified GPU-hours of the line's share, when its site sent telemetry."""


def minimum_fen(gpus: int, price_yuan_per_gpu_hour: float, gpu_hours_per_gpu: float) -> int:
    """`gpus × gpu_hours_per_gpu × price` in fen, rounded half to even."""
    exact = Decimal(gpus) * Decimal(str(gpu_hours_per_gpu)) * Decimal(str(price_yuan_per_gpu_hour))
    return int((exact * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def line_hold(
    est_cost_yuan: float, gpus: int, price_yuan_per_gpu_hour: float, min_gpu_hours: float
) -> LineHold:
    """What a quote line holds: its estimated cost, at least its minimum; refused when that
    rounds to nothing (a line that held nothing could block GPUs for free)."""
    minimum = minimum_fen(gpus, price_yuan_per_gpu_hour, min_gpu_hours)
    hold = max(to_fen(est_cost_yuan), minimum)
    if hold <= 0:
        raise ConflictError(
            f"no quote: {gpus} GPUs at {price_yuan_per_gpu_hour:g} yuan per GPU-hour cost "
            "0.00 yuan, and the exchange does not hold GPUs for nothing; the pool's reserve "
            "price must be above zero"
        )
    return LineHold(minimum, hold)


def charges(
    effect: Effect, lines: Sequence[LineTerms], usage: JobUsage | None = None
) -> list[LineCharge]:
    """The charge of each line closed by a transition with `effect` (module docstring)."""
    if effect is Effect.REFUND:
        return [LineCharge(LineBasis.REFUNDED, 0) for _ in lines]
    if effect is Effect.CHARGE_MINIMUM:
        return [LineCharge(LineBasis.MINIMUM, min(x.minimum_fen, x.reserved_fen)) for x in lines]
    if effect is not Effect.SETTLE:
        raise ValueError(f"{effect.value} closes no line")
    certified = usage.certified_gpu_hours if usage is not None else {}
    site_gpus: dict[str, int] = defaultdict(int)
    for line in lines:
        site_gpus[line.site] += line.gpus
    return [_certified(line, certified.get(line.site), site_gpus[line.site]) for line in lines]


def _certified(line: LineTerms, site_hours: float | None, site_gpus: int) -> LineCharge:
    if site_hours is None:
        return LineCharge(LineBasis.RESERVED, line.reserved_fen)
    share = Decimal(str(site_hours)) * line.gpus / site_gpus
    exact = share * Decimal(str(line.price_yuan_per_gpu_hour)) * FEN_PER_YUAN
    fen = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    basis = LineBasis.CERTIFIED if fen >= line.minimum_fen else LineBasis.MINIMUM
    charged = min(line.reserved_fen, max(line.minimum_fen, fen))
    return LineCharge(basis, charged, float(round(share, 4)))


def basis_of(lines: Iterable[LineBasis]) -> Basis:
    """A bill's basis over its lines': theirs when they agree, `partly_certified` for lines
    certified and as reserved, `mixed` otherwise."""
    bases = set(lines)
    if len(bases) == 1:
        return Basis(bases.pop().value)
    if bases == {LineBasis.CERTIFIED, LineBasis.RESERVED}:
        return Basis.PARTLY_CERTIFIED
    return Basis.MIXED
