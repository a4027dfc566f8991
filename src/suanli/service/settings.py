"""The service's settings, from `SUANLI_*` environment variables (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from suanli.market.billing import MIN_BILLABLE_GPU_HOURS
from suanli.market.pricing import PricingMode, PricingPolicy, load_pricing_policy
from suanli.store.settings import StoreSettings, platform_data_dir

TELEMETRY_FOLDER = "telemetry"


class ServiceSettings(StoreSettings):
    """Where the database is (`StoreSettings`), where to listen, and the exchange's terms."""

    host: str = Field(default="127.0.0.1", description="Address to listen on.")
    port: int = Field(default=8080, ge=1, le=65535, description="TCP port to listen on.")
    quote_ttl_seconds: float = Field(
        default=300.0,
        gt=0,
        le=86_400,
        description="How long a quote can be accepted after it is made.",
    )
    platform_fee_bp: int = Field(
        default=500,
        ge=0,
        le=10_000,
        description="Platform fee in basis points of each line (500 = 5 %), quoted or filled "
        "on the market: the exchange's one source of it (the pricing policy's platform_fee_bp "
        "is the digital twin's default and is not read here).",
    )
    pricing_policy: Path | None = Field(
        default=None,
        description="Pricing policy file (YAML, see suanli/market/policy/pricing-policy-v1.yaml) "
        "that prices quotes (mode fixed, posted or auction, its posted curve) and names the "
        "market's clearing rule (auction.rule); default: the packaged v1 policy.",
    )
    pricing_mode: PricingMode | None = Field(
        default=None,
        description="Overrides the policy's mode: fixed (pools sell at their reserve), posted "
        "(the price rises with the pool's utilization) or auction (max of reserve and its "
        "product's last clearing price).",
    )
    market_clear_interval_s: float = Field(
        default=300.0,
        ge=0,
        le=86_400,
        description="How often the service clears the call market (every open order at once); "
        "0 clears only on POST /v1/market/clear.",
    )
    market_period_hours: float = Field(
        default=24.0,
        ge=1,
        le=24 * 31,
        description="The hours every market order is for: a fill reserves its GPUs for this "
        "long, and an order's `hours` may be left out or must equal it.",
    )
    market_time_limit_s: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="Solver time limit of one clearing's all-or-nothing products, in seconds.",
    )
    min_billable_gpu_hours: float = Field(
        default=MIN_BILLABLE_GPU_HOURS,
        gt=0,
        le=1000,
        description="Minimum billable unit, in GPU-hours per GPU at the line's price: every "
        "quote line holds at least this, and a completed, cancelled or expired line is charged "
        "at least this (for an expired line it is the no-show fee); see suanli.market.billing.",
    )
    start_deadline_s: float = Field(
        default=3600.0,
        gt=0,
        le=30 * 86_400,
        description="How long after its reservation a line may start: lines not started by "
        "then expire, their GPUs return to the pool and their hold is refunded less the "
        "minimum billable amount (the no-show fee).",
    )
    expiry_sweep_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="How often the service looks for reservations past their start deadline "
        "(quotes, reservations and reports on a job also expire what is due first).",
    )
    max_quotes_per_job: int = Field(
        default=20,
        ge=1,
        le=1_000_000,
        description="Most quotes one job may get; each holds a plan, so an unbounded number "
        "would let one buyer fill the database.",
    )
    quote_policy: str = Field(
        default="greedy", description="Placement policy that makes quotes (see suanli.placement)."
    )
    worker_threads: int = Field(
        default=4,
        ge=1,
        le=1000,
        description="Threads that run requests (each holds at most one database connection); "
        "few threads contend less for Python's interpreter lock.",
    )
    quote_time_limit_s: float = Field(
        default=2.0, gt=0, le=60, description="Solver time limit per quote, in seconds."
    )
    telemetry_dir: Path | None = Field(
        default=None,
        description="Folder of the telemetry store (POST /v1/telemetry, certified billing); "
        "default: 'telemetry' in the data folder, beside the SQLite file.",
    )
    telemetry_max_bytes: int = Field(
        default=64_000_000,
        ge=1,
        le=2**31 - 1,
        description="Largest telemetry body accepted, in bytes.",
    )

    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1,
        le=2**31 - 1,
        description="Largest request body accepted, in bytes, on every route but telemetry; a "
        "larger one is refused with 413 before it is read (service/limits.py).",
    )
    idempotency_ttl_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 366,
        description="How long the response stored under an Idempotency-Key is replayed; after "
        "that the key is free again and a request with it runs anew.",
    )
    auth_failure_limit: int = Field(
        default=20,
        ge=1,
        le=1_000_000,
        description="Failed authentications (no key, or an unknown or revoked one) allowed per "
        "client address, and per presented key, in one window; after that requests needing a "
        "key are refused with 429 until the window passes (service/auth_failures.py).",
    )
    auth_failure_window_s: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        description="Length of the window of auth_failure_limit, in seconds; it opens at the "
        "first failure.",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Seconds a client has to send a request line and its headers, counted from "
        "connecting (or from the first byte of the next request on a kept-alive connection), "
        "and to finish a body the server has already answered; then the connection is closed.",
    )
    keep_alive_timeout_s: int = Field(
        default=5,
        ge=1,
        le=3600,
        description="Seconds an idle kept-alive connection waits for the next request before "
        "the server closes it.",
    )

    def pricing(self) -> PricingPolicy:
        """The pricing policy file's, in `pricing_mode` when it is set."""
        return load_pricing_policy(self.pricing_policy, self.pricing_mode)

    def resolved_telemetry_dir(self) -> Path:
        """`telemetry_dir`, else DATA_DIR/telemetry."""
        return self.telemetry_dir or (self.data_dir or platform_data_dir()) / TELEMETRY_FOLDER
