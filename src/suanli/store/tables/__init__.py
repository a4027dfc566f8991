"""The exchange's tables (SQLAlchemy 2 declarative); the migrations create them."""

from suanli.store.tables.accounts import AccountRow, ApiKeyRow
from suanli.store.tables.base import Base, UtcDateTime
from suanli.store.tables.jobs import JobRow, LineBillRow, QuoteLineRow, QuoteRow, ReservationRow
from suanli.store.tables.ledger import IdempotencyRow, LedgerAccountRow, LedgerEntryRow, PostingRow
from suanli.store.tables.market import (
    MarketClearingProductRow,
    MarketClearingRow,
    MarketOrderRow,
    MarketTradeRow,
)
from suanli.store.tables.network import NetworkRow, PoolRow, RegionRow, RttOverrideRow, SiteRow

__all__ = [
    "AccountRow",
    "ApiKeyRow",
    "Base",
    "IdempotencyRow",
    "JobRow",
    "LedgerAccountRow",
    "LedgerEntryRow",
    "LineBillRow",
    "MarketClearingProductRow",
    "MarketClearingRow",
    "MarketOrderRow",
    "MarketTradeRow",
    "NetworkRow",
    "PoolRow",
    "PostingRow",
    "QuoteLineRow",
    "QuoteRow",
    "RegionRow",
    "ReservationRow",
    "RttOverrideRow",
    "SiteRow",
    "UtcDateTime",
]
