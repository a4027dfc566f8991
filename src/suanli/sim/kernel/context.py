"""What a handler sees: simulated time, the seeded generator, the model, and a way to stop."""

from __future__ import annotations

from typing import Generic, TypeVar

import numpy as np

M = TypeVar("M")


class Context(Generic[M]):
    """The handler's window on the run; only the kernel moves `now`.

    Handlers read time from here (or pass `clock` where core code takes a `Callable[[], float]`)
    and draw randomness from `rng`, so a run depends on its seed alone, never on wall time.
    """

    __slots__ = ("model", "now", "rng", "stopped")

    def __init__(self, model: M, rng: np.random.Generator, now: float) -> None:
        self.model = model
        self.rng = rng
        self.now = now
        self.stopped = False

    def clock(self) -> float:
        """Simulated seconds: hand this to code that takes an injected clock."""
        return self.now

    def stop(self) -> None:
        """End `run` once the current event's follow-ups are scheduled."""
        self.stopped = True
