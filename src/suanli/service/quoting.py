"""Make a quote: snapshot, decide, commit (STYLE.md rule 1).

1. read the live network and the GPUs reserved per pool (one short read transaction);
2. price every pool by the exchange's pricing policy (`suanli.market.pricing`: fixed, the
   reserve; posted, indexed on the pool's utilization = reserved GPUs / its GPUs at the
   snapshot; auction, at least its product's last clearing price), and let the placement
   engine plan the job on that snapshot (no transaction held);
3. price the plan: each placement or replica group is a line at its pool's price, in fen,
   holding at least the minimum billable amount (`suanli.market.billing.line_hold`);
4. commit: move the job to quoted and store the quote with its expiry (one write transaction),
   unless the job has `max_quotes_per_job` quotes already.
The reservation re-checks capacity later, so a snapshot that is stale by then oversells nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from suanli.errors import ConflictError
from suanli.formats.build import BuildError, workload_from_data
from suanli.market.billing import line_hold
from suanli.market.lifecycle import JobEvent
from suanli.market.pricing import PricingMode, product_of
from suanli.placement.costs import CostModel
from suanli.placement.policies import plan
from suanli.placement.snapshot import Snapshot
from suanli.placement.values import Placement, Plan, ReplicaPlan
from suanli.service.context import Exchange
from suanli.store.accounts import Principal
from suanli.store.jobs import advance, get_job
from suanli.store.market_data import last_traded
from suanli.store.network_read import NetworkState
from suanli.store.quotes import QuoteLine, QuoteView, count_quotes, save_quote


@dataclass(frozen=True, slots=True)
class Priced:
    lines: list[QuoteLine]
    plan: dict[str, Any]


def price_job(exchange: Exchange, principal: Principal, job_id: str) -> Priced:
    """Steps 1–3."""
    with exchange.db.read() as session:
        job = get_job(session=session, job_id=job_id, viewer=principal)
        _check_quotable(job.id, job.kind, job.name)
        _check_quota(exchange, session, job_id)
        live = exchange.network.read(session)
        cleared = cleared_prices(exchange, session)
    spec, state = job.spec, live.state
    if not state.network.pools():
        raise ConflictError("no GPU pools are on the exchange yet; suppliers must add sites first")
    try:  # the spec was validated when the job was submitted, and regions are never removed
        workload = workload_from_data(spec)
    except BuildError as e:
        raise ConflictError(f"the stored job cannot be read: {e.message}") from None
    prices = pool_prices(exchange, state, cleared)
    snapshot = Snapshot.of(state.network, used_gpus=state.used_gpus, prices=prices)
    settings = exchange.settings
    decided = plan(
        snapshot,
        workload,
        live.latency,
        policy=settings.quote_policy,
        time_limit=settings.quote_time_limit_s,
    )
    minimum = settings.min_billable_gpu_hours
    return Priced(_lines(decided, state, minimum), decided.to_dict())


def _check_quotable(job_id: str, kind: str, name: str) -> None:
    if kind == "market":
        raise ConflictError(
            f"job {job_id!r} is the fill of market order {name!r}: it was reserved when the "
            "order filled and is never quoted; see its reservation (GET /v1/reservations)"
        )


def cleared_prices(exchange: Exchange, session: Session) -> dict[str, float]:
    """Each product's last clearing price, in auction mode (else none is needed)."""
    if exchange.pricing.mode is not PricingMode.AUCTION:
        return {}
    rows = last_traded(session=session)
    return {k: r.price for k, r in rows.items() if r.price is not None}


def pool_prices(
    exchange: Exchange, state: NetworkState, cleared: dict[str, float]
) -> dict[str, float]:
    """The price per GPU-hour of every pool now, by the exchange's pricing policy (module
    docstring, step 2); in fixed mode, every pool's reserve."""
    pairs = state.network.pools()
    if not pairs:
        return {}
    reserve = np.array([p.reserve_price_yuan_per_gpu_hour for _, p in pairs], dtype=np.float64)
    gpus = np.array([p.gpus for _, p in pairs], dtype=np.float64)
    used = np.array([state.used_gpus.get(p.id, 0) for _, p in pairs], dtype=np.float64)
    utilization = np.divide(used, gpus, out=np.zeros(len(pairs)), where=gpus > 0)
    products = [product_of(p.gpu_model, s.hub, s.city) for s, p in pairs]
    last = np.array([cleared.get(k, np.nan) for k in products], dtype=np.float64)
    priced = exchange.pricing.prices(reserve, utilization, last)
    return {p.id: float(price) for (_, p), price in zip(pairs, priced, strict=True)}


def _check_quota(exchange: Exchange, session: Session, job_id: str) -> None:
    most = exchange.settings.max_quotes_per_job
    if count_quotes(session=session, job_id=job_id) >= most:
        raise ConflictError(
            f"job {job_id!r} has had {most} quotes, the most one job may get; accept one of "
            "them, or cancel the job and submit it again"
        )


def _lines(decided: Plan, state: NetworkState, minimum: float) -> list[QuoteLine]:
    if decided.unplaced:
        reasons = "; ".join(u.reason for u in decided.unplaced)
        raise ConflictError(f"no quote: {reasons}")
    lines = [_training_line(p, state, minimum) for p in decided.placements]
    lines += [_service_line(r, state, minimum) for r in decided.replicas]
    if not lines:
        raise ConflictError("no quote: the plan places nothing for this job")
    return lines


def _training_line(p: Placement, state: NetworkState, minimum: float) -> QuoteLine:
    held = line_hold(p.est_cost_yuan, p.gpus, p.price_yuan_per_gpu_hour, minimum)
    return QuoteLine(
        p.pool,
        p.site,
        state.owners[p.site],
        p.gpu_model,
        p.gpus,
        p.price_yuan_per_gpu_hour,
        p.gpu_hours,
        p.est_hours,
        held.hold_fen,
        held.minimum_fen,
    )


def _service_line(r: ReplicaPlan, state: NetworkState, minimum: float) -> QuoteLine:
    """Replicas are priced over the cost model's service horizon (placement.costs)."""
    horizon = CostModel().service_horizon_hours
    gpus = r.replicas * r.gpus_per_replica
    held = line_hold(r.est_cost_yuan, gpus, r.price_yuan_per_gpu_hour, minimum)
    return QuoteLine(
        r.pool,
        r.site,
        state.owners[r.site],
        r.gpu_model,
        gpus,
        r.price_yuan_per_gpu_hour,
        gpus * horizon,
        horizon,
        held.hold_fen,
        held.minimum_fen,
    )


def commit_quote(
    session: Session, exchange: Exchange, principal: Principal, job_id: str, priced: Priced
) -> QuoteView:
    """Step 4."""
    now = exchange.clock()
    job = get_job(session=session, job_id=job_id, viewer=principal, for_update=True)
    _check_quota(exchange, session, job_id)
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
