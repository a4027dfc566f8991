"""Jobs: submit, read what the caller may see, and move along the lifecycle table.

Who sees a job: its buyer, the suppliers whose pools hold its reservation, operators and
auditors. Everyone else gets "no such job", so ids of other buyers' jobs leak nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from suanli.errors import ConflictError, NotFoundError
from suanli.market.lifecycle import JobEvent, JobStatus, Step, transition
from suanli.market.roles import Role
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.quotes import visible_lines
from suanli.store.tables import JobRow, QuoteLineRow, ReservationRow


def create_job(
    *,
    session: Session,
    buyer_id: str,
    name: str,
    kind: str,
    spec: dict[str, Any],
    now: datetime,
    new_id: NewId,
) -> JobRow:
    row = JobRow(
        id=new_id("job"),
        buyer_id=buyer_id,
        name=name,
        kind=kind,
        spec=spec,
        status=JobStatus.SUBMITTED.value,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def supplier_job_ids(supplier_id: str) -> Select[str]:
    """Ids of the jobs reserved on pools of `supplier_id`."""
    return (
        select(ReservationRow.job_id)
        .join(QuoteLineRow, QuoteLineRow.quote_id == ReservationRow.quote_id)
        .where(QuoteLineRow.supplier_id == supplier_id)
    )


def _visible(query: Select[JobRow], viewer: Principal) -> Select[JobRow]:
    if viewer.role is Role.BUYER:
        return query.where(JobRow.buyer_id == viewer.account_id)
    if viewer.role is Role.SUPPLIER:
        return query.where(JobRow.id.in_(supplier_job_ids(viewer.account_id)))
    return query


def get_job(
    *, session: Session, job_id: str, viewer: Principal, for_update: bool = False
) -> JobRow:
    """The job, locked for the transaction on PostgreSQL when `for_update`."""
    query = _visible(select(JobRow).where(JobRow.id == job_id), viewer)
    if for_update:
        query = query.with_for_update()
    row = session.scalar(query.execution_options(populate_existing=True))
    if row is None:
        raise NotFoundError("job", job_id)
    return row


def list_jobs(
    *, session: Session, viewer: Principal, status: JobStatus | None, limit: int, offset: int
) -> list[JobRow]:
    query = _visible(select(JobRow), viewer)
    if status is not None:
        query = query.where(JobRow.status == status.value)
    query = query.order_by(JobRow.created_at, JobRow.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def advance(*, session: Session, job: JobRow, event: JobEvent, now: datetime) -> Step[JobStatus]:
    """Move `job` by `event` (`suanli.market.lifecycle`); the caller carries out the effects."""
    step = transition(JobStatus(job.status), event)
    set_status(session=session, job=job, to=step.to, now=now)
    return step


def set_status(*, session: Session, job: JobRow, to: JobStatus, now: datetime) -> None:
    """Store the job's new status, unless another transaction changed it first."""
    moved = session.execute(
        update(JobRow)
        .where(JobRow.id == job.id, JobRow.status == job.status)
        .values(status=to.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"job {job.id!r} changed meanwhile; read it again and retry")
    job.status, job.updated_at = to.value, now


def reserved_lines(
    *, session: Session, job_ids: list[str], viewer: Principal
) -> dict[str, list[QuoteLineRow]]:
    """The lines of each job's accepted quote that `viewer` may see (a supplier: its own)."""
    query = (
        select(ReservationRow.job_id, QuoteLineRow)
        .join(QuoteLineRow, QuoteLineRow.quote_id == ReservationRow.quote_id)
        .where(ReservationRow.job_id.in_(job_ids))
        .order_by(QuoteLineRow.id)
    )
    grouped: dict[str, list[QuoteLineRow]] = {job_id: [] for job_id in job_ids}
    for job_id, line in session.execute(visible_lines(query, viewer)):
        grouped[job_id].append(line)
    return grouped
