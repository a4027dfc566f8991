"""What every route needs, built once per app: settings, database, clock, id generators,
metrics. Tests inject a fake clock and counting ids here (STYLE.md rule 8)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
