"""What buyers want run: training jobs (gangs), inference services, fractional-GPU pods."""

from __future__ import annotations

from dataclasses import dataclass

from suanli.domain.checks import non_negative, positive, require, unique
from suanli.units import MILLI

CHECKPOINT_HOURS = 1.0
"""Assumption: a training job checkpoints once an hour (common practice for large runs: a save
costs minutes, so an hour bounds the lost work without slowing the run much)."""

REQUEUE, FAIL = "requeue", "fail"
ON_PREEMPT = (REQUEUE, FAIL)
"""What a preempted spot job asks for: wait for GPUs again (from its last checkpoint), or end
as failed."""


@dataclass(frozen=True, slots=True)
class TrainingJob:
    """A gang of `gpus` GPUs that must run together in one pool on one fabric.

    `work_h100_gpu_hours` is the work measured on H100s; slower models need proportionally more
    GPU-hours. `deadline_hours` counts from `submit_hour`. An empty `allowed_gpu_models` means any.

    A `preemptible` (spot) job runs at the spot price and may be preempted when reserved work
    needs its GPUs; it then loses the work done since its last checkpoint (one every
    `checkpoint_hours`) and is requeued or fails, as `on_preempt` says.
    """

    id: str
    gpus: int
    work_h100_gpu_hours: float
    max_price_yuan_per_gpu_hour: float
    deadline_hours: float
    data_region: str
    data_size_gb: float = 0.0
    allowed_gpu_models: tuple[str, ...] = ()
    submit_hour: float = 0.0
    preemptible: bool = False
    checkpoint_hours: float = CHECKPOINT_HOURS
    on_preempt: str = REQUEUE

    def __post_init__(self) -> None:
        require(bool(self.id), "job id must not be empty")
        positive("gpus", self.gpus)
        positive("work_h100_gpu_hours", self.work_h100_gpu_hours)
        non_negative("max_price_yuan_per_gpu_hour", self.max_price_yuan_per_gpu_hour)
        positive("deadline_hours", self.deadline_hours)
        non_negative("data_size_gb", self.data_size_gb)
        non_negative("submit_hour", self.submit_hour)
        positive("checkpoint_hours", self.checkpoint_hours)
        require(
            self.on_preempt in ON_PREEMPT,
            f"on_preempt must be one of {', '.join(ON_PREEMPT)}, got {self.on_preempt!r}",
        )

    @property
    def h100_hours(self) -> float:
        """Wall-clock hours the job takes on `gpus` H100s."""
        return self.work_h100_gpu_hours / self.gpus


@dataclass(frozen=True, slots=True)
class RegionDemand:
    """Requests per second that one demand region sends to a service."""

    region: str
    rps: float

    def __post_init__(self) -> None:
        non_negative("rps", self.rps)


@dataclass(frozen=True, slots=True)
class InferenceService:
    """A model served to users in several regions, each request within an RTT budget.

    The buyer's limit is a price per unit of work: `max_price_yuan_per_h100_decode_hour` yuan
    per H100-equivalent decode GPU-hour, so a pool of model m may charge at most
    limit × `catalog.decode_h100_equivalent(m)` per raw GPU-hour (an H20 more than an H100,
    an RTX 4090 less), and a card that serves more requests per hour may charge more.
    """

    id: str
    model_weights_gb: float
    demand: tuple[RegionDemand, ...]
    input_tokens_per_request: int
    output_tokens_per_request: int
    latency_slo_rtt_ms: float
    max_price_yuan_per_h100_decode_hour: float
    allowed_gpu_models: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require(bool(self.id), "service id must not be empty")
        positive("model_weights_gb", self.model_weights_gb)
        unique("demand region", (d.region for d in self.demand))
        non_negative("input_tokens_per_request", self.input_tokens_per_request)
        positive("output_tokens_per_request", self.output_tokens_per_request)
        positive("latency_slo_rtt_ms", self.latency_slo_rtt_ms)
        non_negative(
            "max_price_yuan_per_h100_decode_hour", self.max_price_yuan_per_h100_decode_hour
        )

    @property
    def total_rps(self) -> float:
        return sum(d.rps for d in self.demand)


@dataclass(frozen=True, slots=True)
class Pod:
    """A task of the openb trace: `num_gpu` GPUs, each used to `gpu_milli`/1000.

    Fractional sharing (`gpu_milli` < 1000) only exists for single-GPU pods.
    """

    id: str
    cpu_milli: int
    memory_mib: int
    num_gpu: int
    gpu_milli: int
    allowed_gpu_models: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        non_negative("cpu_milli", self.cpu_milli)
        non_negative("memory_mib", self.memory_mib)
        require(0 <= self.num_gpu <= 8, f"num_gpu must be within 0..8, got {self.num_gpu}")
        require(
            0 <= self.gpu_milli <= MILLI, f"gpu_milli must be within 0..1000, got {self.gpu_milli}"
        )
        require(
            self.gpu_milli == MILLI or self.num_gpu <= 1,
            f"a pod with {self.num_gpu} GPUs must use whole GPUs (gpu_milli 1000), "
            f"got gpu_milli {self.gpu_milli}",
        )

    @property
    def total_gpu_milli(self) -> int:
        """GPU requested in milli-GPU: num_gpu × gpu_milli."""
        return self.num_gpu * self.gpu_milli


@dataclass(frozen=True, slots=True)
class Workload:
    """A batch of work: training jobs, inference services and pods, each with a unique id."""

    name: str
    training_jobs: tuple[TrainingJob, ...] = ()
    services: tuple[InferenceService, ...] = ()
    pods: tuple[Pod, ...] = ()

    def __post_init__(self) -> None:
        ids = [j.id for j in self.training_jobs] + [s.id for s in self.services]
        unique("job or service", ids)
        unique("pod", (p.id for p in self.pods))
