"""The service's settings, from `SUANLI_*` environment variables (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

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
        description="Platform fee in basis points of each line (500 = 5 %).",
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

    def resolved_telemetry_dir(self) -> Path:
        """`telemetry_dir`, else DATA_DIR/telemetry."""
        return self.telemetry_dir or (self.data_dir or platform_data_dir()) / TELEMETRY_FOLDER
