"""Make a quote: snapshot, decide, commit (STYLE.md rule 1).

1. read the live network and the GPUs reserved per pool (one short read transaction);
2. let the placement engine plan the job on that snapshot (no transaction held);
3. price the plan: each placement or replica group is a line at its pool's price, in fen;
4. commit: move the job to quoted and store the quote with its expiry (one write transaction).
The reservation re-checks capacity later, so a snapshot that is stale by then oversells nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from suanli.errors import ConflictError
from suanli.formats.build import BuildError, workload_from_data
from suanli.market.lifecycle import JobEvent
from suanli.market.money import to_fen
from suanli.placement.costs import CostModel
from suanli.placement.policies import plan
from suanli.placement.snapshot import Snapshot
from suanli.placement.values import Placement, Plan, ReplicaPlan
from suanli.service.context import Exchange
from suanli.store.accounts import Principal
from suanli.store.jobs import advance, get_job
from suanli.store.network_read import NetworkState
from suanli.store.quotes import QuoteLine, QuoteView, save_quote


@dataclass(frozen=True, slots=True)
class Priced:
    lines: list[QuoteLine]
    plan: dict[str, Any]


def price_job(exchange: Exchange, principal: Principal, job_id: str) -> Priced:
    """Steps 1–3."""
    with exchange.db.read() as session:
        spec = get_job(session=session, job_id=job_id, viewer=principal).spec
        live = exchange.network.read(session)
    state = live.state
    if not state.network.pools():
        raise ConflictError("no GPU pools are on the exchange yet; suppliers must add sites first")
    try:  # the spec was validated when the job was submitted, and regions are never removed
        workload = workload_from_data(spec)
    except BuildError as e:
        raise ConflictError(f"the stored job cannot be read: {e.message}") from None
    snapshot = Snapshot.of(state.network, used_gpus=state.used_gpus)
    settings = exchange.settings
    decided = plan(
        snapshot,
        workload,
        live.latency,
        policy=settings.quote_policy,
        time_limit=settings.quote_time_limit_s,
    )
    return Priced(_lines(decided, state), decided.to_dict())


def _lines(decided: Plan, state: NetworkState) -> list[QuoteLine]:
    if decided.unplaced:
        reasons = "; ".join(u.reason for u in decided.unplaced)
        raise ConflictError(f"no quote: {reasons}")
    lines = [_training_line(p, state) for p in decided.placements]
    lines += [_service_line(r, state) for r in decided.replicas]
    if not lines:
        raise ConflictError("no quote: the plan places nothing for this job")
    return lines


def _training_line(p: Placement, state: NetworkState) -> QuoteLine:
    return QuoteLine(
        p.pool,
        p.site,
        state.owners[p.site],
        p.gpu_model,
        p.gpus,
        p.price_yuan_per_gpu_hour,
        p.gpu_hours,
        p.est_hours,
        to_fen(p.est_cost_yuan),
    )


def _service_line(r: ReplicaPlan, state: NetworkState) -> QuoteLine:
    """Replicas are priced over the cost model's service horizon (placement.costs)."""
    horizon = CostModel().service_horizon_hours
    gpus = r.replicas * r.gpus_per_replica
    return QuoteLine(
        r.pool,
        r.site,
        state.owners[r.site],
        r.gpu_model,
        gpus,
        r.price_yuan_per_gpu_hour,
        gpus * horizon,
        horizon,
        to_fen(r.est_cost_yuan),
    )


def commit_quote(
    session: Session, exchange: Exchange, principal: Principal, job_id: str, priced: Priced
) -> QuoteView:
    """Step 4."""
    now = exchange.clock()
    job = get_job(session=session, job_id=job_id, viewer=principal, for_update=True)
    advance(session=session, job=job, event=JobEvent.QUOTE, now=now)
    terms = {
        "fee_bp": exchange.settings.platform_fee_bp,
        "policy": exchange.settings.quote_policy,
        "plan": priced.plan,
    }
    expires = now + timedelta(seconds=exchange.settings.quote_ttl_seconds)
    return save_quote(
        session=session,
        job=job,
        lines=priced.lines,
        terms=terms,
        now=now,
        expires_at=expires,
        new_id=exchange.new_id,
    )
