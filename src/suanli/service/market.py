"""Clear the call market: snapshot, decide, commit (STYLE.md rule 1).

1. expire the reservations past their start deadline, so that their GPUs are free to sell;
2. read the book: every open order, oldest first, and the free GPUs and reserve of each sell's
   pool (one short read transaction);
3. make the call (`suanli.market.orders.call_book`: buys for their remaining GPUs at their
   limit, sells for the GPUs their pool has free at no less than its reserve) and clear it
   with the pricing policy's rule, in whole GPUs (`suanli.market.clearing.clear`, integral);
   no transaction is held while it solves;
4. commit the outcome in ONE write transaction (`suanli.store.clearings.commit_clearing`),
   which re-checks every order and every pool it touches.
Every order is for the exchange's `market_period_hours`. One clearing runs at a time in this
process (`Exchange.clearing`); on PostgreSQL a second process's clearing is safe too, since the
commit locks and re-checks each order. The service clears every `market_clear_interval_s`
seconds (`clear_forever`, 0: never on its own) and when an operator asks
(POST /v1/market/clear).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from anyio import to_thread
from sqlalchemy.orm import Session

from suanli.market.clearing import Clearing, clear
from suanli.market.orders import CallBook, call_book
from suanli.service.context import Exchange
from suanli.service.expiry import expire_due
from suanli.store.clearings import (
    ClearingView,
    FillTerms,
    OpenBook,
    commit_clearing,
    read_book,
)

log = logging.getLogger("suanli.service")


def fill_terms(exchange: Exchange) -> FillTerms:
    settings = exchange.settings
    return FillTerms(
        rule=exchange.pricing.auction_rule,
        hours=settings.market_period_hours,
        min_gpu_hours=settings.min_billable_gpu_hours,
        fee_bp=settings.platform_fee_bp,
        start_within=timedelta(seconds=settings.start_deadline_s),
    )


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """Steps 1–3 done: the book read, the call made and cleared."""

    book: OpenBook
    call: CallBook
    outcome: Clearing
    terms: FillTerms


def decide(exchange: Exchange) -> Call | None:
    """Steps 1–3 (hold `exchange.clearing` until the commit); None when no order is open."""
    expire_due(exchange)
    with exchange.db.read() as session:
        book = read_book(session=session)
    if not book.standing:
        return None
    call = call_book(book.standing, book.pools)
    terms = fill_terms(exchange)
    limit = exchange.settings.market_time_limit_s
    outcome = clear(call.orders, terms.rule, integral=True, time_limit_s=limit)
    return Call(book, call, outcome, terms)


def commit(exchange: Exchange, session: Session, decided: Call) -> ClearingView:
    """Step 4, in the caller's write transaction."""
    view = commit_clearing(
        session=session,
        book=decided.book,
        call=decided.call,
        outcome=decided.outcome,
        terms=decided.terms,
        now=exchange.clock(),
        new_id=exchange.new_id,
    )
    exchange.metrics.clearings.inc()
    return view


def clear_market(exchange: Exchange) -> ClearingView | None:
    """Steps 1–4; None when no order is open (nothing is recorded then)."""
    with exchange.clearing:
        decided = decide(exchange)
        if decided is None:
            return None
        with exchange.db.write() as session:
            return commit(exchange, session, decided)


async def clear_forever(exchange: Exchange) -> None:
    """Clear every `market_clear_interval_s` seconds until cancelled; a failed clearing is
    logged and the next one tries again."""
    interval = exchange.settings.market_clear_interval_s
    while interval > 0:
        await asyncio.sleep(interval)
        try:
            await to_thread.run_sync(clear_market, exchange)
        except Exception:
            log.exception("the periodic clearing of the market failed")
