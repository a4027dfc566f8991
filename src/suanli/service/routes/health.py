"""Liveness with a database check, and the service's Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from starlette.responses import Response

from suanli.service.deps import ExchangeDep

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz", summary="Is the service up and its database reachable?")
def healthz(exchange: ExchangeDep) -> Health:
    with exchange.db.read() as session:
        session.execute(text("SELECT 1"))
    return Health(status="ok", database=exchange.db.dialect)


@router.get("/metrics", summary="Prometheus metrics of the service", response_class=Response)
def metrics(exchange: ExchangeDep) -> Response:
    return Response(generate_latest(exchange.metrics.registry), media_type=CONTENT_TYPE_LATEST)
