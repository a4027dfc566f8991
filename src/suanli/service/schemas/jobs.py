"""Jobs, quotes and reservations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from suanli.market.lifecycle import JobStatus, allowed_events
from suanli.service.deps import ID_PATTERN
from suanli.service.schemas.common import Request, yuan
from suanli.store.quotes import QuoteView
from suanli.store.tables import JobRow, QuoteLineRow, ReservationRow

Id = Annotated[str, Field(pattern=ID_PATTERN)]


class JobPublic(BaseModel):
    id: str
    buyer_id: str
    name: str = Field(description="The id the buyer gave the job in its workload document.")
    kind: str = Field(description="training or inference")
    status: JobStatus
    next_events: list[str] = Field(description="What may happen to the job next.")
    spec: dict[str, Any] = Field(description="The job as a suanli.workload/v1 document.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: JobRow) -> JobPublic:
        status = JobStatus(row.status)
        return cls(
            id=row.id,
            buyer_id=row.buyer_id,
            name=row.name,
            kind=row.kind,
            status=status,
            next_events=[e.value for e in allowed_events(status)],
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
    cost_yuan: float

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
        )


class QuotePublic(BaseModel):
    id: str
    job_id: str
    status: str = Field(description="open (can be accepted until expires_at) or accepted")
    total_yuan: float = Field(description="What the buyer pays when the job completes.")
    platform_fee_rate: float = Field(description="Share of each line kept by the platform.")
    policy: str
    lines: list[QuoteLinePublic]
    plan: dict[str, Any] = Field(description="The placement plan the quote came from.")
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, view: QuoteView) -> QuotePublic:
        q = view.quote
        return cls(
            id=q.id,
            job_id=q.job_id,
            status=q.status,
            total_yuan=yuan(q.total_fen),
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
    status: str = Field(description="active (GPUs held) or released (job finished)")
    total_yuan: float
    created_at: datetime
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
            released_at=row.released_at,
        )
