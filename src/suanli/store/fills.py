"""Step 4 of a clearing's commit (`suanli.store.clearings`): each buy's trades become ONE
reserved job of kind `market`, with one line per trade, or failed trades.

The trades whose GPUs still fit the locked pools take them (an all-or-nothing buy: all or
none); the others fail with `capacity_taken`, and so do trades of an order that changed since
the book was read (`order_changed`). The job is quoted at the buyer's clearing price and
reserved by `suanli.store.reservations.reserve`, the same capacity re-check and hold as an
accepted quote's, right after the buy's release of its hold for those GPUs
(`suanli.market.orders.fill_money`), in a savepoint: a reservation that fails anyway rolls back
to it and its trades fail with `capacity_taken` (`refused` for any other refusal of the rules).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from suanli.errors import CapacityError, ConflictError
from suanli.market.clearing import Rule, Trade
from suanli.market.lifecycle import JobEvent
from suanli.market.orders import fill_money, line_fee_bp, order_refund
from suanli.market.roles import Role
from suanli.store.accounts import Principal
from suanli.store.ids import NewId
from suanli.store.jobs import advance, create_job
from suanli.store.ledger import post
from suanli.store.quotes import QuoteLine, save_quote
from suanli.store.reservations import reserve
from suanli.store.tables import JobRow, MarketOrderRow, MarketTradeRow, PoolRow, SiteRow

log = logging.getLogger("suanli.store")
CAPACITY_TAKEN = "capacity_taken"
REFUSED = "refused"
"""A fill the exchange's rules refuse (a line that would hold nothing under odd settings)."""
ORDER_CHANGED = "order_changed"
MARKET_POLICY = "market"
"""The `policy` of the quote a fill makes."""


@dataclass(frozen=True, slots=True)
class FillTerms:
    """The exchange's terms for the fills of a clearing."""

    rule: Rule
    hours: float
    min_gpu_hours: float
    fee_bp: int
    start_within: timedelta


class Fills:
    """The fills of one clearing (module docstring), and what they reserved."""

    def __init__(
        self,
        session: Session,
        orders: dict[str, MarketOrderRow],
        clearing_id: str,
        terms: FillTerms,
        now: datetime,
        new_id: NewId,
    ) -> None:
        self.session, self.orders, self.clearing_id = session, orders, clearing_id
        self.terms, self.now, self.new_id = terms, now, new_id
        self.trades: list[MarketTradeRow] = []
        self.failed: dict[str, str] = {}
        """Order id -> why a trade of it failed."""
        self.reserved: dict[str, int] = defaultdict(int)
        """Order id -> GPUs reserved in this clearing."""

    def buy(self, trades: list[Trade], changed: set[str], free: dict[str, int]) -> None:
        buy = self.orders[trades[0].buy]
        fits, failed = [], []
        for trade in trades:
            sell = self.orders[trade.sell]
            if changed & {buy.id, sell.id}:
                failed.append((trade, ORDER_CHANGED))
                continue
            pool = sell.pool_id or ""
            gpus = int(trade.quantity)
            if free.get(pool, 0) < gpus:
                failed.append((trade, CAPACITY_TAKEN))
                continue
            free[pool] -= gpus
            fits.append(trade)
        if buy.all_or_nothing and failed:
            for trade in fits:
                free[self.orders[trade.sell].pool_id or ""] += int(trade.quantity)
            failed += [(t, CAPACITY_TAKEN) for t in fits]
            fits = []
        if fits:
            try:
                with self.session.begin_nested():
                    self._reserve(buy, fits)
            except CapacityError:
                failed += [(t, CAPACITY_TAKEN) for t in fits]
            except ConflictError as error:  # e.g. a line that would hold nothing
                log.warning("market trades of order %s refused: %s", buy.id, error)
                failed += [(t, REFUSED) for t in fits]
        for trade, reason in failed:
            self._record(trade, "failed", reason=reason)
            self.failed[trade.buy] = self.failed[trade.sell] = reason

    def _reserve(self, buy: MarketOrderRow, trades: list[Trade]) -> None:
        """One job for the buy's reserved trades (module docstring, step 4)."""
        assert buy.limit_yuan_per_gpu_hour is not None, "a buy has a limit (the schema's)"
        hours, limit = self.terms.hours, buy.limit_yuan_per_gpu_hour
        lines, released = [], 0
        for trade in trades:
            pool = self.session.get(PoolRow, self.orders[trade.sell].pool_id)
            assert pool is not None, "a sell's pool exists (foreign key)"
            site = self.session.get(SiteRow, pool.site_id)
            assert site is not None, "a pool's site exists (foreign key)"
            gpus = int(trade.quantity)
            money = fill_money(gpus, hours, limit, trade.buyer_price, self.terms.min_gpu_hours)
            released += money.released_fen
            lines.append(
                QuoteLine(pool.id, site.id, site.owner_id, pool.gpu_model, gpus, trade.buyer_price,
                          gpus * hours, hours, money.line_fen, money.minimum_fen)
            )  # fmt: skip
        job = self._job(buy, trades)
        quote = save_quote(
            session=self.session,
            job=job,
            lines=lines,
            terms=self._quote_terms(buy, trades),
            now=self.now,
            expires_at=self.now + self.terms.start_within,
            new_id=self.new_id,
        )
        gpus = sum(line.gpus for line in lines)
        why = f"{gpus} GPUs filled as job {job.id}"
        entry = order_refund(buy.account_id, buy.id, released, why)
        post(session=self.session, entry=entry, now=self.now, new_id=self.new_id)
        reserve(
            session=self.session,
            quote_id=quote.quote.id,
            actor=Principal(buy.account_id, "", Role.BUYER),
            now=self.now,
            new_id=self.new_id,
            start_within=self.terms.start_within,
        )
        buy.held_fen -= released
        for trade, line in zip(trades, quote.lines, strict=True):
            self._record(trade, "reserved", job_id=job.id, line_id=line.id)
            self.reserved[trade.buy] += line.gpus
            self.reserved[trade.sell] += line.gpus

    def _job(self, buy: MarketOrderRow, trades: list[Trade]) -> JobRow:
        spec = {
            "order_id": buy.id,
            "clearing_id": self.clearing_id,
            "product": buy.product,
            "gpus": sum(int(t.quantity) for t in trades),
            "hours": self.terms.hours,
            "limit_yuan_per_gpu_hour": buy.limit_yuan_per_gpu_hour,
            "price_yuan_per_gpu_hour": trades[0].buyer_price,
            "all_or_nothing": buy.all_or_nothing,
        }
        job = create_job(
            session=self.session,
            buyer_id=buy.account_id,
            name=buy.id,
            kind="market",
            spec=spec,
            now=self.now,
            new_id=self.new_id,
        )
        advance(session=self.session, job=job, event=JobEvent.QUOTE, now=self.now)
        return job

    def _quote_terms(self, buy: MarketOrderRow, trades: list[Trade]) -> dict[str, Any]:
        buyer, seller = trades[0].buyer_price, trades[0].seller_price
        if any((t.buyer_price, t.seller_price) != (buyer, seller) for t in trades):
            raise ValueError(f"trades of order {buy.id} at different prices (a bug; report it)")
        plan = {
            "clearing_id": self.clearing_id,
            "rule": self.terms.rule.value,
            "order_id": buy.id,
            "buyer_price_yuan_per_gpu_hour": buyer,
            "seller_price_yuan_per_gpu_hour": seller,
            "sells": [{"order_id": t.sell, "gpus": int(t.quantity)} for t in trades],
        }
        fee = line_fee_bp(self.terms.fee_bp, buyer, seller)
        return {"fee_bp": fee, "policy": MARKET_POLICY, "plan": plan}

    def _record(self, trade: Trade, status: str, **extra: Any) -> None:
        row = MarketTradeRow(
            clearing_id=self.clearing_id,
            buy_order_id=trade.buy,
            sell_order_id=trade.sell,
            product=trade.product,
            gpus=int(trade.quantity),
            buyer_price=trade.buyer_price,
            seller_price=trade.seller_price,
            status=status,
            **extra,
        )
        self.session.add(row)
        self.trades.append(row)
