"""The exchange's side of metering (issue 6): suppliers push dcgm-exporter text into the
telemetry store, and completed jobs are billed on the GPU-hours the audit certifies.

- `ingest_body`: the body is parsed by `suanli.metering.ingest` and stored whole or not at all;
  every site in it must be the caller's (operators may push for any); a malformed line is a
  422 naming `line N: message`. Samples without a timestamp (a scrape as is) take the time of
  the request.
- `job_usage`: the audit of the job's sites over its reservation's lifetime (with a margin for
  clock skew), reduced to the certified GPU-hours per site of the telemetry labelled with the
  job's id (`suanli_job`, see `suanli.metering.identity`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from suanli.errors import DataFileError, ForbiddenError, InvalidFileError, Problem
from suanli.market.billing import JobUsage
from suanli.market.roles import Role
from suanli.metering import IngestReport, ParseOptions, TelemetryStore, audit, ingest
from suanli.metering.identity import IdentityError, check_site_id
from suanli.service.context import Exchange
from suanli.store.accounts import Principal
from suanli.store.reservations import reservation_of_job
from suanli.store.tables import QuoteLineRow, SiteRow

BODY = "body"
SUFFIX = {"text/csv": ".csv"}
"""Media types stored under another suffix than `.prom` (which the parser reads as exposition
text: Prometheus 0.0.4, or OpenMetrics 1.0 when it ends with `# EOF`)."""
CLOCK_SLACK = timedelta(minutes=15)
"""Telemetry this long before the reservation or after completion still counts (clock skew)."""
_LINE = re.compile(r"^(\d+): (.*)$", re.DOTALL)


def owned_sites(exchange: Exchange, principal: Principal) -> frozenset[str] | None:
    """The sites the caller may push for; None for operators (any site)."""
    if principal.role is Role.OPERATOR:
        return None
    with exchange.db.read() as session:
        query = select(SiteRow.id).where(SiteRow.owner_id == principal.account_id)
        return frozenset(session.scalars(query))


def check_sites(sites: Iterable[str], allowed: frozenset[str] | None) -> None:
    """`ForbiddenError` unless every site is among `allowed` (None: all are)."""
    if allowed is None:
        return
    foreign = sorted(set(sites) - allowed)
    if foreign:
        mine = ", ".join(sorted(allowed)) or "none"
        raise ForbiddenError(
            f"a supplier pushes telemetry only for its own sites; not yours: "
            f"{', '.join(foreign)} (yours: {mine})"
        )


def ingest_body(
    exchange: Exchange,
    raw: bytes,
    media_type: str,
    site: str | None,
    allowed: frozenset[str] | None,
) -> IngestReport:
    """Parse `raw` and store it whole in the exchange's telemetry store (module docstring)."""
    if media_type == "application/openmetrics-text" and not raw.rstrip().endswith(b"# EOF"):
        raise _problem("OpenMetrics text must end with '# EOF'")
    if site is not None:
        try:
            check_site_id(site)
        except IdentityError as e:
            raise _problem(str(e)) from None
        check_sites([site], allowed)
    now_ms = int(exchange.clock().timestamp() * 1000)
    options = ParseOptions(site=site, default_ts_ms=now_ms)
    store = exchange.settings.resolved_telemetry_dir()
    with tempfile.TemporaryDirectory(prefix="suanli-telemetry-") as folder:
        path = Path(folder) / f"body{SUFFIX.get(media_type, '.prom')}"
        path.write_bytes(raw)
        try:
            report = ingest([path], store, options, admit=lambda sites: check_sites(sites, allowed))
        except DataFileError as e:
            raise _located(str(e), str(path)) from None
    if report.samples == 0:
        raise _problem("holds no samples of a known DCGM field; nothing was stored")
    return report


def _problem(message: str) -> InvalidFileError:
    return InvalidFileError([Problem(BODY, 1, BODY, message)])


def _located(message: str, path: str) -> InvalidFileError:
    """`PATH:LINE: message` as a problem at `line LINE` of the body."""
    text = message.removeprefix(f"{path}:").strip().replace(path, BODY)
    found = _LINE.match(text)
    if found is None:
        return InvalidFileError([Problem(BODY, 1, BODY, text)])
    line = int(found.group(1))
    return InvalidFileError([Problem(BODY, line, f"line {line}", found.group(2))])


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def job_usage(exchange: Exchange, job_id: str, supplier_id: str | None = None) -> JobUsage | None:
    """The certified GPU-hours of the job per site that sent telemetry for it (of the sites of
    `supplier_id`'s lines, when given), with each site's audit summary; None when no site did
    (its lines are then billed as reserved)."""
    with exchange.db.read() as session:
        reservation = reservation_of_job(session=session, job_id=job_id)
        if reservation is None:
            return None
        query = select(QuoteLineRow.site_id).where(QuoteLineRow.quote_id == reservation.quote_id)
        if supplier_id is not None:
            query = query.where(QuoteLineRow.supplier_id == supplier_id)
        sites = sorted(set(session.scalars(query)))
        start = _ms(reservation.created_at - CLOCK_SLACK)
    end = _ms(exchange.clock() + CLOCK_SLACK)
    root = exchange.settings.resolved_telemetry_dir()
    if not root.is_dir():
        return None
    store = TelemetryStore(root)
    certified: dict[str, float] = {}
    audits: dict[str, dict[str, Any]] = {}
    for site in sites:
        if not store.files(site):
            continue
        report = audit(root, site=site, start=start, end=end, intervals=False)
        policy = report["policy"] | {"window_minutes": report["window_minutes"]}
        for job in report["jobs"]:
            if job["job"] == job_id:
                certified[site] = float(job["certified_gpu_hours"])
                audits[site] = job | {"policy": policy}
    return JobUsage(certified, audits) if certified else None


def combined_audit(audits: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One summary of the audits of a job's sites, as its bill shows it; None without any."""
    if not audits:
        return None
    classes = dict.fromkeys(c for a in audits for c in a["hours_by_class"])
    return {
        "policy": audits[0]["policy"],
        "hours_observed": round(sum(a["hours_observed"] for a in audits), 4),
        "certified_gpu_hours": round(sum(a["certified_gpu_hours"] for a in audits), 4),
        "hours_by_class": {
            c: round(sum(a["hours_by_class"].get(c, 0.0) for a in audits), 4) for c in classes
        },
        "flags": [f | {"site": a["site"]} for a in audits for f in a["flags"]],
        "sites": [{k: v for k, v in a.items() if k != "policy"} for a in audits],
    }
