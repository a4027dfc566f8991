"""Telemetry: suppliers push what dcgm-exporter exports, for their own sites; the audit of it
bills completed jobs on certified GPU-hours (GET /v1/jobs/{id}/bill)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.exceptions import HTTPException
from starlette.responses import Response

from suanli.service.deps import ID_PATTERN, ExchangeDep, RawBodyDep, SupplierDep
from suanli.service.idempotency import IdempotencyDep, respond_once, stored
from suanli.service.schemas.telemetry import TelemetryReceipt
from suanli.service.telemetry import ingest_body, owned_sites

router = APIRouter(prefix="/v1", tags=["telemetry"])
MEDIA_TYPES = ("text/plain", "application/openmetrics-text", "text/csv")
EXAMPLE = (
    'DCGM_FI_PROF_SM_ACTIVE{gpu="0",UUID="GPU-1",Hostname="n1",suanli_job="job_1"} '
    "0.91 1735689600000\n"
)
TELEMETRY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "dcgm-exporter text: Prometheus 0.0.4 (timestamps in ms) or OpenMetrics "
        "1.0 (ending in '# EOF'; timestamps in s), or suanli's CSV form. Labels name the GPU "
        "(UUID), node (Hostname), site (site, or the site parameter) and job (suanli_job, "
        "hpc_job, namespace/pod...). Samples without a timestamp take the time of the request.",
        "content": {
            media: {"schema": {"type": "string"}, "example": EXAMPLE} for media in MEDIA_TYPES
        },
    }
}


def media_type_of(content_type: str | None) -> str:
    """The media type without parameters; 415 unless it is one the route reads."""
    media = (content_type or "text/plain").split(";", 1)[0].strip().lower()
    if media not in MEDIA_TYPES:
        raise HTTPException(
            415, f"send telemetry as {', '.join(MEDIA_TYPES)}; got Content-Type {media!r}"
        )
    return media


@router.post(
    "/telemetry",
    status_code=201,
    response_model=TelemetryReceipt,
    openapi_extra=TELEMETRY_BODY,
    summary="Push GPU telemetry for your own sites, stored whole or not at all (suppliers)",
)
def push_telemetry(
    raw: RawBodyDep,
    exchange: ExchangeDep,
    principal: SupplierDep,
    idem: IdempotencyDep,
    site: Annotated[
        str | None,
        Query(pattern=ID_PATTERN, description="Site of samples without a site label."),
    ] = None,
    content_type: Annotated[str | None, Header()] = None,
) -> Response:
    replay = stored(exchange, principal, idem)
    if replay is not None:
        return replay
    media = media_type_of(content_type)
    report = ingest_body(exchange, raw, media, site, owned_sites(exchange, principal))
    receipt = TelemetryReceipt.of(report)
    return respond_once(exchange, principal, idem, lambda _: receipt)
