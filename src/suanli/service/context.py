"""What every route needs, built once per app: settings, database, clock, id generators,
metrics, the pricing policy. Tests inject a fake clock and counting ids here (STYLE.md rule 8)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from suanli.market.pricing import PricingPolicy
from suanli.service.caches import KeyCache, NetworkCache
from suanli.service.metrics import Metrics
from suanli.service.settings import ServiceSettings
from suanli.store.engine import Database
from suanli.store.ids import Clock, NewId, NewSecret


@dataclass(frozen=True, slots=True, eq=False)
class Exchange:
    settings: ServiceSettings
    db: Database
    clock: Clock
    new_id: NewId
    new_secret: NewSecret
    metrics: Metrics
    network: NetworkCache = field(default_factory=NetworkCache)
    keys: KeyCache = field(default_factory=KeyCache)
    pricing: PricingPolicy = field(default_factory=PricingPolicy)
    """The settings' pricing policy, read once when the app is made."""
    clearing: threading.Lock = field(default_factory=threading.Lock)
    """One clearing of the market at a time in this process (`suanli.service.market`)."""
