"""Caches that keep the hot path (quotes) off repeated work, and stay correct:

- the network (domain objects and latency model) is rebuilt only when the database's network
  revision moved; the GPUs reserved per pool are read fresh for every quote;
- API keys are looked up once per `KEY_TTL_S` seconds of the monotonic clock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from suanli.network.latency import LatencyModel
from suanli.store.accounts import Principal, hash_key, principal_for_key
from suanli.store.network_read import (
    NetworkState,
    network_revision,
    network_state,
    reserved_gpus,
)

KEY_TTL_S = 10.0
MAX_KEYS = 10_000


@dataclass(frozen=True, slots=True, eq=False)
class LiveNetwork:
    state: NetworkState
    latency: LatencyModel


@dataclass(eq=False)
class NetworkCache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    revision: int = -1
    cached: LiveNetwork | None = None

    def read(self, session: Session) -> LiveNetwork:
        """The live network with the GPUs reserved right now (read in `session`)."""
        revision = network_revision(session=session)  # first: data read after is at least this
        with self.lock:
            cached = self.cached if self.revision == revision else None
        if cached is None:
            state = network_state(session=session)
            cached = LiveNetwork(state, LatencyModel(state.network))
            with self.lock:
                self.revision, self.cached = revision, cached
            return cached
        used = _within(cached.state, reserved_gpus(session=session))
        return replace(cached, state=replace(cached.state, used_gpus=used))


def _within(state: NetworkState, used: dict[str, int]) -> dict[str, int]:
    """`used` for the cached pools only, at most their size: a pool added or resized since the
    revision was read belongs to the next revision (its reservations are re-checked anyway)."""
    size = {pool.id: pool.gpus for _, pool in state.network.pools()}
    return {pool_id: min(n, size[pool_id]) for pool_id, n in used.items() if pool_id in size}


@dataclass(eq=False)
class KeyCache:
    """Who each recently seen API key belongs to (by the key's hash)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    entries: dict[str, tuple[float, Principal]] = field(default_factory=dict)

    def principal(self, session: Session, key: str) -> Principal | None:
        digest, now = hash_key(key), time.monotonic()
        with self.lock:
            hit = self.entries.get(digest)
        if hit is not None and now - hit[0] < KEY_TTL_S:
            return hit[1]
        principal = principal_for_key(session=session, key=key)
        if principal is not None:
            with self.lock:
                if len(self.entries) >= MAX_KEYS:
                    self.entries.clear()
                self.entries[digest] = (now, principal)
        return principal
