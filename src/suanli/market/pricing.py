"""How GPU-hours are priced: the pricing policy (a versioned YAML file, like the audit policy;
`policy/pricing-policy-v1.yaml` is the default and says where each value comes from) and the
prices it gives a pool.

    fixed    price_p = r_p                                       (the pool's reserve)
    posted   price_p = r_p × (1 + m × max(0, (u_p − κ) / (1 − κ))^e)
             u_p = reserved GPUs / GPUs of the pool (0..1), κ = `knee`, m = `max_markup`,
             e = `exponent`: never below r_p, flat up to κ, non-decreasing in u_p
    auction  price_p = max(r_p, c_k)   c_k the clearing price of the pool's product k
             (`suanli.market.clearing`; no trade: r_p)
    spot     a preemptible job pays `spot_factor` × the price above

A product is a GPU model at a hub (`product_of`); metro sites, which belong to no hub, trade in
their city's product.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from suanli.errors import InvalidValueError
from suanli.formats.settings_file import load_settings
from suanli.market.clearing import Rule
from suanli.market.money import BASIS_POINTS

Floats = npt.NDArray[np.float64]
DEFAULT_PRICING_POLICY = "pricing-policy-v1.yaml"


class PricingMode(StrEnum):
    FIXED = "fixed"
    POSTED = "posted"
    AUCTION = "auction"


@dataclass(frozen=True, slots=True)
class PostedCurve:
    """The posted price's curve over utilization (module docstring)."""

    knee: float = 0.3
    max_markup: float = 1.0
    exponent: float = 2.0

    def __post_init__(self) -> None:
        _within("posted.knee", self.knee, 0.0, 1.0, upper_open=True)
        _within("posted.max_markup", self.max_markup, 0.0, 100.0)
        _within("posted.exponent", self.exponent, 0.1, 10.0)

    def factor(self, utilization: Floats) -> Floats:
        """Price ÷ reserve at each utilization (clipped to 0..1)."""
        u = np.clip(np.asarray(utilization, dtype=np.float64), 0.0, 1.0)
        above = np.maximum(0.0, (u - self.knee) / (1.0 - self.knee))
        out: Floats = 1.0 + self.max_markup * above**self.exponent
        return out


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    version: str = "pricing-policy-v1"
    mode: PricingMode = PricingMode.FIXED
    platform_fee_bp: int = 500
    spot_factor: float = 0.5
    posted: PostedCurve = field(default_factory=PostedCurve)
    auction_rule: Rule = Rule.UNIFORM
    source: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.platform_fee_bp <= BASIS_POINTS:
            raise InvalidValueError(
                f"platform_fee_bp must be within 0..{BASIS_POINTS}, got {self.platform_fee_bp}"
            )
        _within("spot_factor", self.spot_factor, 0.0, 1.0)

    def with_mode(self, mode: PricingMode | str) -> PricingPolicy:
        """This policy in another mode (a scenario or the exchange's settings choose it)."""
        return replace(self, mode=_mode(str(mode)))

    def prices(
        self,
        reserve: Floats,
        utilization: Floats,
        cleared: Floats | None = None,
    ) -> Floats:
        """Price per GPU-hour of each pool (module docstring); `cleared` holds each pool's
        product clearing price (NaN where its product did not trade) in auction mode."""
        reserve = np.asarray(reserve, dtype=np.float64)
        if self.mode is PricingMode.POSTED:
            posted: Floats = reserve * self.posted.factor(utilization)
            return posted
        if self.mode is PricingMode.AUCTION and cleared is not None:
            traded = np.where(np.isnan(cleared), reserve, cleared)
            auctioned: Floats = np.maximum(reserve, traded)
            return auctioned
        return reserve.copy()


def product_of(gpu_model: str, hub: str, city: str = "") -> str:
    """`H100@ningxia`: the product a pool of `gpu_model` at a site of `hub` (else `city`) sells."""
    return f"{gpu_model}@{hub or city}"


def load_pricing_policy(
    source: Path | str | None = None, mode: PricingMode | str | None = None
) -> PricingPolicy:
    """The policy in `source` (a YAML file), or the packaged default; in `mode` when given (an
    exchange's settings or a scenario choose it), else in the file's."""
    path = f"policy/{DEFAULT_PRICING_POLICY}"
    policy = load_settings(source, "suanli.market", path, _policy)
    return policy if mode is None else policy.with_mode(mode)


KNOWN = {"version", "mode", "platform_fee_bp", "spot_factor", "posted", "auction"}


def _policy(data: Mapping[str, Any], name: str) -> PricingPolicy:
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r}; known: {', '.join(sorted(KNOWN))}")
    posted = dict(data.get("posted") or {})
    auction = dict(data.get("auction") or {})
    extra = sorted(set(posted) - {"knee", "max_markup", "exponent"}) + sorted(
        set(auction) - {"rule"}
    )
    if extra:
        raise ValueError(f"unknown setting {extra[0]!r} under posted or auction")
    return PricingPolicy(
        version=str(data["version"]),
        mode=_mode(str(data.get("mode", "fixed"))),
        platform_fee_bp=_int(data.get("platform_fee_bp", 500), "platform_fee_bp"),
        spot_factor=float(data.get("spot_factor", 0.5)),
        posted=PostedCurve(**{k: float(v) for k, v in posted.items()}),
        auction_rule=_rule(str(auction.get("rule", "uniform"))),
        source=name,
    )


def _mode(name: str) -> PricingMode:
    try:
        return PricingMode(name)
    except ValueError:
        known = ", ".join(m.value for m in PricingMode)
        raise InvalidValueError(f"unknown pricing mode {name!r}; known: {known}") from None


def _rule(name: str) -> Rule:
    try:
        return Rule(name)
    except ValueError:
        known = ", ".join(r.value for r in Rule)
        raise InvalidValueError(f"unknown clearing rule {name!r}; known: {known}") from None


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{field} must be a whole number, got {value!r}")
    return value


def _within(field: str, value: float, low: float, high: float, *, upper_open: bool = False) -> None:
    ok = low <= value < high if upper_open else low <= value <= high
    if not ok or value != value:
        bound = f"{high})" if upper_open else f"{high}]"
        raise InvalidValueError(f"{field} must be within [{low}, {bound}, got {value}")
