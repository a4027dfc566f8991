"""The simulated network's state: what runs where, what waits, prices, and what was recorded.

Only the scenario's events change it (`events`, `cycle`); `metrics` reads it after the run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from suanli.domain import InferenceService, Network, TrainingJob
from suanli.formats.scenario_spec import ScenarioSpec
from suanli.market.billing import MIN_BILLABLE_GPU_HOURS
from suanli.market.pricing import PricingPolicy, product_of
from suanli.network.latency import LatencyModel
from suanli.placement.costs import Floats, Ints
from suanli.sim.scenario.money import SimBook
from suanli.sim.scenario.setup import TimedWork


@dataclass(slots=True)
class Usage:
    """GPUs of one pool held from `start` to `end` at `price` per GPU-hour, for `owner` (a job
    or a service); `line` is its line in the run's book (`money`), which says what it was
    charged. `preemptible`: a spot run, which reserved work may preempt."""

    pool: int
    gpus: int
    start: float
    end: float
    price: float
    training: bool
    owner: str = ""
    line: int = 0
    preemptible: bool = False


@dataclass(slots=True)
class Run:
    """A job's current attempt: where it runs and the GPUs it holds."""

    job: TrainingJob
    attempt: int
    usage: Usage


@dataclass(slots=True)
class JobLog:
    """(hour, value) records of job life: starts with queueing delay, finishes with completion
    time, drops (deadline passed while queued) and requeues (killed by an outage)."""

    submitted: list[float] = field(default_factory=list)
    started: list[tuple[float, float]] = field(default_factory=list)
    finished: list[tuple[float, float]] = field(default_factory=list)
    dropped: list[float] = field(default_factory=list)
    requeued: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Preemption:
    """A spot run preempted at `hour` because reserved work needed its GPUs: the GPU-hours it
    ran since its last checkpoint are lost; it was requeued or failed as it asked."""

    hour: float
    job: str
    pool: int
    gpus: int
    lost_gpu_hours: float
    requeued: bool


@dataclass(frozen=True, slots=True)
class CycleRecord:
    """What one scheduling cycle saw and left: inference demand and what was served (req/s),
    jobs still queued, GPUs in use per pool just after the cycle, and stranded GPUs (idle online
    GPUs while work still waits)."""

    hour: float
    demand_rps: float
    served_rps: float
    queued: int
    in_use: Ints
    online: Ints
    stranded_gpus: int


class World:
    """The model the kernel's events work on (`Context.model`)."""

    def __init__(
        self, spec: ScenarioSpec, network: Network, work: TimedWork, policy: PricingPolicy
    ) -> None:
        self.spec, self.network, self.work, self.policy = spec, network, work, policy
        self.latency = LatencyModel(network)
        pairs = network.pools()
        self.pool_ids = [p.id for _, p in pairs]
        self.pool_site = [s.id for s, _ in pairs]
        self.pool_model = [p.gpu_model for _, p in pairs]
        self.capacity: Ints = np.array([p.gpus for _, p in pairs], dtype=np.int64)
        self.products = [product_of(p.gpu_model, s.hub, s.city) for s, p in pairs]
        self.reserve: Floats = np.array([p.reserve_price_yuan_per_gpu_hour for _, p in pairs])
        self.money = SimBook(policy.platform_fee_bp, MIN_BILLABLE_GPU_HOURS)
        self.price_log: list[Floats] = []  # per cycle: the price of each pool
        self.down: Counter[str] = Counter()
        self.queue: dict[str, TrainingJob] = {}
        self.running: dict[str, Run] = {}
        self.attempts: Counter[str] = Counter()
        self.training_rate = 1.0
        self.work_factor = 1.0
        self.inference_factor = spec.inference.demand_factor
        self.usages: list[Usage] = []
        self.replicas: list[Usage] = []  # the inference replicas of the last cycle
        self.jobs = JobLog()
        self.preemptions: list[Preemption] = []
        self.cycles: list[CycleRecord] = []
        self.events_run = 0

    def online(self) -> Ints:
        """GPUs per pool whose site is up."""
        up = np.array([self.down[s] == 0 for s in self.pool_site], dtype=bool)
        online: Ints = np.where(up, self.capacity, 0)
        return online

    def in_use(self) -> Ints:
        """GPUs per pool held by running jobs."""
        used = np.zeros(len(self.pool_ids), dtype=np.int64)
        for run in self.running.values():
            used[run.usage.pool] += run.usage.gpus
        return used

    def live_services(self, hour: float) -> list[InferenceService]:
        return [s for start, s in self.work.services if start <= hour]
