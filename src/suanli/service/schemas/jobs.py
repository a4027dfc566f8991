"""Jobs, quotes and reservations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from suanli.market.lifecycle import JobStatus, LineStatus, next_events
from suanli.service.deps import ID_PATTERN
from suanli.service.schemas.common import Request, yuan
from suanli.store.quotes import QuoteView, status_at
from suanli.store.tables import JobRow, QuoteLineRow, ReservationRow

Id = Annotated[str, Field(pattern=ID_PATTERN)]


class JobLinePublic(BaseModel):
    """One supplier's share of a reserved job, with a lifecycle of its own."""

    id: int
    pool_id: str
    site_id: str
    supplier_id: str
    gpus: int
    status: LineStatus = Field(
        description="reserved, running, completed, failed, cancelled or expired (not started "
        "by the reservation's start deadline)."
    )
    started_at: datetime | None
    ended_at: datetime | None

    @classmethod
    def of(cls, row: QuoteLineRow) -> JobLinePublic:
        return cls(
            id=row.id,
            pool_id=row.pool_id,
            site_id=row.site_id,
            supplier_id=row.supplier_id,
            gpus=row.gpus,
            status=LineStatus(row.status),
            started_at=row.started_at,
            ended_at=row.ended_at,
        )


class JobPublic(BaseModel):
    id: str
    buyer_id: str
    name: str = Field(description="The id the buyer gave the job in its workload document.")
    kind: str = Field(
        description="training, inference, or market (a filled buy order: reserved when it "
        "filled, its spec the order; never quoted)"
    )
    status: JobStatus = Field(
        description="Until reserved, the job's own; then derived from its lines: reserved "
        "while all are, running once one started, and when all are final their common status "
        "(failed for a mix)."
    )
    next_events: list[str] = Field(description="What may be sent for the job next.")
    lines: list[JobLinePublic] = Field(
        description="The reserved lines the caller may see (a supplier: its own); empty until "
        "the job is reserved."
    )
    spec: dict[str, Any] = Field(description="The job as a suanli.workload/v1 document.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: JobRow, lines: list[QuoteLineRow]) -> JobPublic:
        status = JobStatus(row.status)
        events = next_events(status, (LineStatus(line.status) for line in lines))
        return cls(
            id=row.id,
            buyer_id=row.buyer_id,
            name=row.name,
            kind=row.kind,
            status=status,
            next_events=[e.value for e in events],
            lines=[JobLinePublic.of(line) for line in lines],
            spec=row.spec,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class QuoteCreate(Request):
    job_id: Id


class QuoteLinePublic(BaseModel):
    pool_id: str
    site_id: str
    supplier_id: str
    gpu_model: str
    gpus: int
    price_yuan_per_gpu_hour: float
    gpu_hours: float
    est_hours: float
    cost_yuan: float = Field(description="What the line holds once reserved.")
    minimum_yuan: float = Field(
        description="The least the line is charged once reserved: the minimum billable "
        "GPU-hours per GPU at its price (also the no-show fee of a line not started in time)."
    )

    @classmethod
    def of(cls, row: QuoteLineRow) -> QuoteLinePublic:
        return cls(
            pool_id=row.pool_id,
            site_id=row.site_id,
            supplier_id=row.supplier_id,
            gpu_model=row.gpu_model,
            gpus=row.gpus,
            price_yuan_per_gpu_hour=row.price_yuan_per_gpu_hour,
            gpu_hours=row.gpu_hours,
            est_hours=row.est_hours,
            cost_yuan=yuan(row.cost_fen),
            minimum_yuan=yuan(row.minimum_fen),
        )


class QuotePublic(BaseModel):
    id: str
    job_id: str
    status: str = Field(
        description="open (can be accepted until expires_at), expired, accepted, or superseded "
        "(another quote of the job was accepted, or the job was cancelled)"
    )
    total_yuan: float = Field(
        description="What a reservation holds: the most the buyer pays (a supplier sees only "
        "its own lines and their total)."
    )
    platform_fee_rate: float = Field(description="Share of each line kept by the platform.")
    policy: str
    lines: list[QuoteLinePublic]
    plan: dict[str, Any] = Field(description="The placement plan the quote came from.")
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, view: QuoteView, now: datetime) -> QuotePublic:
        q = view.quote
        return cls(
            id=q.id,
            job_id=q.job_id,
            status=status_at(q, now),
            total_yuan=yuan(sum(line.cost_fen for line in view.lines)),
            platform_fee_rate=q.fee_bp / 10_000,
            policy=q.policy,
            lines=[QuoteLinePublic.of(line) for line in view.lines],
            plan=q.plan,
            created_at=q.created_at,
            expires_at=q.expires_at,
        )


class ReservationCreate(Request):
    quote_id: Id


class ReservationPublic(BaseModel):
    id: str
    quote_id: str
    job_id: str
    buyer_id: str
    status: str = Field(description="active (GPUs held) or released (every line final)")
    total_yuan: float
    created_at: datetime
    start_by: datetime = Field(
        description="Lines not started by then expire: their GPUs return to the pool and "
        "their hold is refunded less the minimum billable amount (the no-show fee)."
    )
    released_at: datetime | None

    @classmethod
    def of(cls, row: ReservationRow) -> ReservationPublic:
        return cls(
            id=row.id,
            quote_id=row.quote_id,
            job_id=row.job_id,
            buyer_id=row.buyer_id,
            status=row.status,
            total_yuan=yuan(row.total_fen),
            created_at=row.created_at,
            start_by=row.start_by,
            released_at=row.released_at,
        )
