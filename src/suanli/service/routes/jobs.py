"""Jobs: buyers submit one training job or inference service (a workload document), follow
it, and cancel it; suppliers report that their lines of it started, completed or failed
(`suanli.store.job_events`: each supplier moves, and is paid for, only its own lines)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.responses import Response

from suanli.domain import Network
from suanli.errors import SuanliError
from suanli.formats import workload_to_dict
from suanli.market.billing import JobUsage
from suanli.market.lifecycle import JobEvent, JobStatus
from suanli.market.roles import Role
from suanli.service import bodies
from suanli.service.context import Exchange
from suanli.service.deps import (
    AnyoneDep,
    BuyerDep,
    ExchangeDep,
    IdPath,
    LimitQuery,
    OffsetQuery,
    RawBodyDep,
    SupplierDep,
)
from suanli.service.expiry import expire_due
from suanli.service.idempotency import (
    Idempotency,
    IdempotencyDep,
    refusal,
    respond_once,
    stored,
)
from suanli.service.openapi import body
from suanli.service.schemas.jobs import JobPublic
from suanli.service.schemas.telemetry import BillPublic
from suanli.service.telemetry import job_usage
from suanli.store import jobs as repo
from suanli.store.accounts import Principal
from suanli.store.job_events import bills_of, report
from suanli.store.network_read import list_regions, region_of
from suanli.store.tables import JobRow

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
JOB_BODY = body(
    "Workload",
    "A workload document holding exactly one training job or one "
    "inference service; its regions must be on the exchange (GET /v1/regions).",
)


@router.post(
    "",
    status_code=201,
    response_model=JobPublic,
    openapi_extra=JOB_BODY,
    summary="Submit a training job or an inference service (buyers)",
)
def create_job(
    raw: RawBodyDep, exchange: ExchangeDep, principal: BuyerDep, idem: IdempotencyDep
) -> object:
    with exchange.db.read() as session:
        regions = tuple(region_of(r) for r in list_regions(session=session))
    workload = bodies.workload_job(raw, Network("exchange", (), regions))
    kind = "training" if workload.training_jobs else "inference"
    name = (workload.training_jobs or workload.services)[0].id

    def action(session: Session) -> JobPublic:
        row = repo.create_job(
            session=session,
            buyer_id=principal.account_id,
            name=name,
            kind=kind,
            spec=workload_to_dict(workload),
            now=exchange.clock(),
            new_id=exchange.new_id,
        )
        return JobPublic.of(row, [])

    return respond_once(exchange, principal, idem, action)


def job_public(session: Session, row: JobRow, viewer: Principal) -> JobPublic:
    lines = repo.reserved_lines(session=session, job_ids=[row.id], viewer=viewer)
    return JobPublic.of(row, lines[row.id])


@router.get("", summary="Jobs the caller may see (buyers: their own)")
def list_jobs(
    exchange: ExchangeDep,
    principal: AnyoneDep,
    status: JobStatus | None = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> list[JobPublic]:
    with exchange.db.read() as session:
        rows = repo.list_jobs(
            session=session, viewer=principal, status=status, limit=limit, offset=offset
        )
        lines = repo.reserved_lines(session=session, job_ids=[r.id for r in rows], viewer=principal)
        return [JobPublic.of(r, lines[r.id]) for r in rows]


@router.get("/{job_id}", summary="A job")
def get_job(job_id: IdPath, exchange: ExchangeDep, principal: AnyoneDep) -> JobPublic:
    with exchange.db.read() as session:
        row = repo.get_job(session=session, job_id=job_id, viewer=principal)
        return job_public(session, row, principal)


@router.get(
    "/{job_id}/bill",
    summary="What a job's closed lines were billed: certified GPU-hours and their audit, the "
    "reserved amount without telemetry, the minimum when cancelled or expired",
)
def get_bill(job_id: IdPath, exchange: ExchangeDep, principal: AnyoneDep) -> BillPublic:
    with exchange.db.read() as session:
        job = repo.get_job(session=session, job_id=job_id, viewer=principal)
        bills = bills_of(session=session, job=job, viewer=principal)
        return BillPublic.of(job, bills)


def _report(
    exchange: Exchange, principal: Principal, idem: Idempotency, job_id: str, event: JobEvent
) -> Response:
    replay = stored(exchange, principal, idem)
    if replay is not None:
        return replay
    expire_due(exchange, [job_id])  # a line past its start deadline expires before it starts
    try:
        usage = _usage(exchange, principal, job_id) if event is JobEvent.COMPLETE else None
    except SuanliError as error:  # refused before the write: stored like any refusal
        if idem.key is None:
            raise
        return refusal(exchange, principal, idem, error)

    def action(session: Session) -> JobPublic:
        row = report(
            session=session,
            job_id=job_id,
            event=event,
            actor=principal,
            now=exchange.clock(),
            new_id=exchange.new_id,
            usage=usage,
        )
        return job_public(session, row, principal)

    return respond_once(exchange, principal, idem, action, status_code=200)


def _usage(exchange: Exchange, principal: Principal, job_id: str) -> JobUsage | None:
    """The audit of a running job's telemetry, before the write transaction (None when the job
    is not running: it cannot complete)."""
    with exchange.db.read() as session:
        job = repo.get_job(session=session, job_id=job_id, viewer=principal)
        running = job.status == JobStatus.RUNNING.value
    supplier = principal.account_id if principal.role is Role.SUPPLIER else None
    return job_usage(exchange, job_id, supplier) if running else None


@router.post(
    "/{job_id}/cancel",
    response_model=JobPublic,
    summary="Cancel a job before any of its lines starts; a reserved job is charged its "
    "lines' minimum billable amount and the rest refunded (buyers)",
)
def cancel_job(
    job_id: IdPath, exchange: ExchangeDep, principal: BuyerDep, idem: IdempotencyDep
) -> object:
    return _report(exchange, principal, idem, job_id, JobEvent.CANCEL)


@router.post(
    "/{job_id}/start",
    response_model=JobPublic,
    summary="Report that your reserved lines of a job started (its suppliers; operators: all)",
)
def start_job(
    job_id: IdPath, exchange: ExchangeDep, principal: SupplierDep, idem: IdempotencyDep
) -> object:
    return _report(exchange, principal, idem, job_id, JobEvent.START)


@router.post(
    "/{job_id}/complete",
    response_model=JobPublic,
    summary="Report that your running lines of a job completed: the buyer pays for them (on "
    "certified GPU-hours when their telemetry is in, else as reserved), you are credited",
)
def complete_job(
    job_id: IdPath, exchange: ExchangeDep, principal: SupplierDep, idem: IdempotencyDep
) -> object:
    return _report(exchange, principal, idem, job_id, JobEvent.COMPLETE)


@router.post(
    "/{job_id}/fail",
    response_model=JobPublic,
    summary="Report that your lines of a job failed: their GPUs are freed and their price "
    "refunded to the buyer",
)
def fail_job(
    job_id: IdPath, exchange: ExchangeDep, principal: SupplierDep, idem: IdempotencyDep
) -> object:
    return _report(exchange, principal, idem, job_id, JobEvent.FAIL)
