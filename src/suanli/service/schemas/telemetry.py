"""Telemetry pushed by suppliers, and the bills of jobs' closed lines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from suanli.market.billing import NO_TELEMETRY, Basis, LineBasis, basis_of
from suanli.market.lifecycle import TERMINAL, JobStatus
from suanli.metering import IngestReport
from suanli.service.schemas.common import yuan
from suanli.service.telemetry import combined_audit
from suanli.store.tables import JobRow, LineBillRow, QuoteLineRow


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
    line_id: int
    pool_id: str
    site_id: str
    supplier_id: str
    gpus: int
    price_yuan_per_gpu_hour: float
    reserved_gpu_hours: float
    reserved_yuan: float
    basis: LineBasis = Field(
        description="certified (its site's certified GPU-hours), reserved (no telemetry from "
        "its site), minimum (cancelled, expired, or certified below the minimum) or refunded "
        "(its supplier reported it failed)."
    )
    certified_gpu_hours: float | None = Field(
        description="Certified GPU-hours of the line's share; null without telemetry."
    )
    charged_yuan: float
    refunded_yuan: float
    note: str
    billed_at: datetime


LINE_NOTES = {
    LineBasis.CERTIFIED: "billed on certified GPU-hours",
    LineBasis.RESERVED: NO_TELEMETRY,
    LineBasis.MINIMUM: "charged the minimum billable amount",
    LineBasis.REFUNDED: "its supplier reported it failed: refunded",
}
BILL_NOTES = {
    Basis.CERTIFIED: "billed on certified GPU-hours at the quoted prices, at least the minimum "
    "billable amount and at most the reserved amount; the rest refunded",
    Basis.PARTLY_CERTIFIED: "billed on certified GPU-hours where the site sent telemetry for "
    "the job, as reserved where it did not",
    Basis.RESERVED: NO_TELEMETRY,
    Basis.MINIMUM: "charged the minimum billable amount (cancelled, not started by the start "
    "deadline, or certified below the minimum); the rest refunded",
    Basis.REFUNDED: "its suppliers reported it failed: refunded",
    Basis.MIXED: "each line billed on its own basis; see the lines",
}


class BillPublic(BaseModel):
    job_id: str
    job_status: str
    final: bool = Field(description="Whether every line of the job is closed and billed.")
    basis: Basis = Field(
        description="The lines' common basis: certified, reserved (no telemetry), minimum, "
        "refunded; partly_certified for lines certified and as reserved; mixed otherwise."
    )
    note: str
    reserved_yuan: float
    charged_yuan: float = Field(description="What the buyer paid, platform fee included.")
    refunded_yuan: float = Field(description="Returned from escrow to the buyer's wallet.")
    lines: list[BillLinePublic] = Field(
        description="The closed lines the caller may see (a supplier: its own)."
    )
    audit: dict[str, Any] | None = Field(
        description="The telemetry audit of the job: hours observed, certified, hours by class "
        "and the detectors that flagged windows, in total and per site; null without telemetry."
    )
    billed_at: datetime

    @classmethod
    def of(cls, job: JobRow, bills: list[tuple[QuoteLineRow, LineBillRow]]) -> BillPublic:
        basis = basis_of(LineBasis(bill.basis) for _, bill in bills)
        audits = {bill.audit["site"]: bill.audit for _, bill in bills if bill.audit}
        return cls(
            job_id=job.id,
            job_status=job.status,
            final=JobStatus(job.status) in TERMINAL,
            basis=basis,
            note=BILL_NOTES[basis],
            reserved_yuan=yuan(sum(bill.reserved_fen for _, bill in bills)),
            charged_yuan=yuan(sum(bill.charged_fen for _, bill in bills)),
            refunded_yuan=yuan(sum(bill.refunded_fen for _, bill in bills)),
            lines=[_line(line, bill) for line, bill in bills],
            audit=combined_audit(list(audits.values())),
            billed_at=max(bill.created_at for _, bill in bills),
        )


def _line(line: QuoteLineRow, bill: LineBillRow) -> BillLinePublic:
    basis = LineBasis(bill.basis)
    return BillLinePublic(
        line_id=line.id,
        pool_id=line.pool_id,
        site_id=line.site_id,
        supplier_id=line.supplier_id,
        gpus=line.gpus,
        price_yuan_per_gpu_hour=line.price_yuan_per_gpu_hour,
        reserved_gpu_hours=line.gpu_hours,
        reserved_yuan=yuan(bill.reserved_fen),
        basis=basis,
        certified_gpu_hours=bill.certified_gpu_hours,
        charged_yuan=yuan(bill.charged_fen),
        refunded_yuan=yuan(bill.refunded_fen),
        note=LINE_NOTES[basis],
        billed_at=bill.created_at,
    )
