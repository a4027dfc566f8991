"""Telemetry pushed by suppliers, and the bills of completed jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from suanli.market.billing import NO_TELEMETRY, Basis
from suanli.metering import IngestReport
from suanli.service.schemas.common import yuan
from suanli.store.tables import JobBillRow


class TelemetryReceipt(BaseModel):
    batch: str = Field(
        description="Id of the stored batch: a hash of its content, so pushing the "
        "same text again replaces it rather than adding to it."
    )
    format: str = Field(description="prometheus-0.0.4, openmetrics-1.0 or csv")
    samples_stored: int
    gpus: int = Field(description="Distinct GPUs (site, UUID) in the batch.")
    sites: list[str]
    first_ts_ms: int | None
    last_ts_ms: int | None
    dropped_blank: int = Field(description="Samples with DCGM's blank (not available) values.")
    ignored: dict[str, int] = Field(description="Metric names that map to no stored field.")

    @classmethod
    def of(cls, report: IngestReport) -> TelemetryReceipt:
        stats = report.files[0]
        return cls(
            batch=report.batch,
            format=stats.format,
            samples_stored=report.samples,
            gpus=report.gpus,
            sites=list(report.sites),
            first_ts_ms=report.first_ts_ms,
            last_ts_ms=report.last_ts_ms,
            dropped_blank=stats.dropped_blank,
            ignored=dict(sorted(stats.ignored_names.items())),
        )


class BillLinePublic(BaseModel):
    pool_id: str
    site_id: str
    supplier_id: str
    gpus: int
    price_yuan_per_gpu_hour: float
    reserved_gpu_hours: float
    reserved_yuan: float
    certified_gpu_hours: float | None = Field(
        description="GPU-hours the line was charged for; null when billed as reserved."
    )
    charged_yuan: float
    note: str


class BillPublic(BaseModel):
    job_id: str
    basis: Basis = Field(
        description="certified (every line on certified GPU-hours), partly_certified, or "
        "reserved (no telemetry for the job)."
    )
    note: str
    reserved_yuan: float
    charged_yuan: float = Field(description="What the buyer paid, platform fee included.")
    refunded_yuan: float = Field(description="Returned from escrow to the buyer's wallet.")
    lines: list[BillLinePublic]
    audit: dict[str, Any] | None = Field(
        description="The telemetry audit of the job: hours observed, certified, hours by class "
        "and the detectors that flagged windows, in total and per site; null without telemetry."
    )
    billed_at: datetime

    @classmethod
    def of(cls, row: JobBillRow) -> BillPublic:
        basis = Basis(row.basis)
        notes = {
            Basis.CERTIFIED: "billed on certified GPU-hours at the quoted prices, capped at the "
            "reserved amount; the rest refunded",
            Basis.PARTLY_CERTIFIED: "billed on certified GPU-hours where the site sent "
            "telemetry for the job, as reserved where it did not",
            Basis.RESERVED: NO_TELEMETRY,
        }
        return cls(
            job_id=row.job_id,
            basis=basis,
            note=notes[basis],
            reserved_yuan=yuan(row.reserved_fen),
            charged_yuan=yuan(row.charged_fen),
            refunded_yuan=yuan(row.refunded_fen),
            lines=[_line(line) for line in row.lines],
            audit=row.audit,
            billed_at=row.created_at,
        )


def _line(data: dict[str, Any]) -> BillLinePublic:
    return BillLinePublic(
        pool_id=data["pool_id"],
        site_id=data["site_id"],
        supplier_id=data["supplier_id"],
        gpus=data["gpus"],
        price_yuan_per_gpu_hour=data["price_yuan_per_gpu_hour"],
        reserved_gpu_hours=data["reserved_gpu_hours"],
        reserved_yuan=yuan(data["reserved_fen"]),
        certified_gpu_hours=data["certified_gpu_hours"],
        charged_yuan=yuan(data["charged_fen"]),
        note=data["note"],
    )
