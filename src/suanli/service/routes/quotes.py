"""Quotes (the placement engine proposes pools and a price that expires) and reservations
(accepting a quote takes the GPUs and holds the price in one transaction). Reservations past
their start deadline expire first (`suanli.service.expiry`), so that their GPUs are free."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from suanli.errors import SuanliError
from suanli.service.deps import (
    ID_PATTERN,
    AnyoneDep,
    BuyerDep,
    ExchangeDep,
    IdPath,
    LimitQuery,
    OffsetQuery,
    OperatorDep,
)
from suanli.service.expiry import expire_due
from suanli.service.idempotency import (
    REPLAYED_HEADER,
    IdempotencyDep,
    refusal,
    respond_once,
    stored,
)
from suanli.service.quoting import commit_quote, price_job
from suanli.service.schemas.jobs import (
    QuoteCreate,
    QuotePublic,
    ReservationCreate,
    ReservationPublic,
)
from suanli.store import quotes, reservations

router = APIRouter(prefix="/v1", tags=["quotes and reservations"])


@router.post(
    "/quotes",
    status_code=201,
    response_model=QuotePublic,
    summary="Quote a job: pools, price and expiry from the placement engine (buyers)",
)
def create_quote(
    body: QuoteCreate, exchange: ExchangeDep, principal: BuyerDep, idem: IdempotencyDep
) -> object:
    replay = stored(exchange, principal, idem)
    if replay is not None:
        return replay
    expire_due(exchange)
    try:
        priced = price_job(exchange, principal, body.job_id)
    except SuanliError as error:
        if idem.key is None:
            raise
        return refusal(exchange, principal, idem, error)
    response = respond_once(exchange, principal, idem, lambda s: QuotePublic.of(
        commit_quote(s, exchange, principal, body.job_id, priced), exchange.clock()))  # fmt: skip
    exchange.metrics.quotes.inc()
    return response


@router.get("/quotes", summary="Quotes the caller may see")
def list_quotes(
    exchange: ExchangeDep,
    principal: AnyoneDep,
    job_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> list[QuotePublic]:
    with exchange.db.read() as session:
        views = quotes.list_quotes(
            session=session, viewer=principal, job_id=job_id, limit=limit, offset=offset
        )
        return [QuotePublic.of(v, exchange.clock()) for v in views]


@router.get("/quotes/{quote_id}", summary="A quote")
def get_quote(quote_id: IdPath, exchange: ExchangeDep, principal: AnyoneDep) -> QuotePublic:
    with exchange.db.read() as session:
        view = quotes.get_quote(session=session, quote_id=quote_id, viewer=principal)
        return QuotePublic.of(view, exchange.clock())


@router.post(
    "/reservations",
    status_code=201,
    response_model=ReservationPublic,
    summary="Accept a quote: re-check and take the GPUs, hold the price (buyers)",
)
def create_reservation(
    body: ReservationCreate, exchange: ExchangeDep, principal: BuyerDep, idem: IdempotencyDep
) -> object:
    def action(session: Session) -> ReservationPublic:
        row = reservations.reserve(
            session=session,
            quote_id=body.quote_id,
            actor=principal,
            now=exchange.clock(),
            new_id=exchange.new_id,
            start_within=timedelta(seconds=exchange.settings.start_deadline_s),
        )
        return ReservationPublic.of(row)

    expire_due(exchange)

    # Count what this request decided: a reservation taken now, or a refusal (raised, or a
    # problem answered from the key's record); a replayed success took nothing new.
    try:
        response = respond_once(exchange, principal, idem, action)
    except Exception:
        exchange.metrics.reservations.labels("refused").inc()
        raise
    if response.status_code >= 400:
        exchange.metrics.reservations.labels("refused").inc()
    elif REPLAYED_HEADER not in response.headers:
        exchange.metrics.reservations.labels("taken").inc()
    return response


class Expired(BaseModel):
    jobs: int = Field(description="Jobs whose lines past their start deadline were expired.")


@router.post(
    "/reservations/expire-due",
    summary="Expire now the lines not started by their reservation's deadline (operators; the "
    "service also does it on its own every expiry_sweep_s seconds)",
)
def expire_overdue(exchange: ExchangeDep, _: OperatorDep) -> Expired:
    return Expired(jobs=expire_due(exchange))


@router.get("/reservations", summary="Reservations the caller may see")
def list_reservations(
    exchange: ExchangeDep, principal: AnyoneDep, limit: LimitQuery = 100, offset: OffsetQuery = 0
) -> list[ReservationPublic]:
    with exchange.db.read() as session:
        rows = reservations.list_reservations(
            session=session, viewer=principal, limit=limit, offset=offset
        )
        return [ReservationPublic.of(r) for r in rows]


@router.get("/reservations/{reservation_id}", summary="A reservation")
def get_reservation(
    reservation_id: IdPath, exchange: ExchangeDep, principal: AnyoneDep
) -> ReservationPublic:
    with exchange.db.read() as session:
        row = reservations.get_reservation(
            session=session, reservation_id=reservation_id, viewer=principal
        )
        return ReservationPublic.of(row)
