"""What a scenario file says, as typed config: frozen dataclasses whose fields carry help text.

These classes are the one declaration of the scenario format's fields and defaults: the file
checks derive each event kind's required and allowed fields from them, the simulator reads them,
and `scenario_to_dict` writes them back (resolved, defaults filled) beside each run's output.
The JSON Schema (`schemas/scenario.schema.json`) publishes the same fields; a test keeps the two
in step.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar

from suanli.catalog.workloads import trace_kind
from suanli.domain import Site


def _h(text: str) -> dict[str, str]:
    """Field metadata holding help text."""
    return {"help": text}


@dataclass(frozen=True, slots=True)
class NetworkSource:
    """Where the network comes from: a preset built from a seed, or a network file."""

    preset: str | None = field(
        default=None, metadata=_h("network preset, e.g. 'china' (or give `path`)")
    )
    path: str | None = field(
        default=None, metadata=_h("network file, relative to the scenario file")
    )
    seed: int = field(default=7, metadata=_h("seed of the preset's network"))
    scale: float = field(
        default=1.0, metadata=_h("node counts of every pool × this, rounded, at least 1 node")
    )


@dataclass(frozen=True, slots=True)
class WorkloadSource:
    """One source of work: the workload generator (a preset), a workload file, or a public trace
    replayed (`suanli.catalog.workloads.replay_trace`). Which fields a source takes depends on
    its kind: `SOURCE_FIELDS[source.kind]`."""

    preset: str | None = field(
        default=None, metadata=_h("generator preset: mixed, training or inference")
    )
    path: str | None = field(
        default=None, metadata=_h("workload file, relative to the scenario file")
    )
    trace: str | None = field(
        default=None,
        metadata=_h(
            "trace to replay: philly (training jobs) or azure-conv, azure-code, mooncake "
            "(one inference service)"
        ),
    )
    jobs: int = field(default=100, metadata=_h("training jobs and services the generator makes"))
    seed: int = field(
        default=0,
        metadata=_h("seed of the generator, or of a trace's sample and the draws it lacks"),
    )
    start_hour: float = field(
        default=0.0, metadata=_h("hour the source starts: its services and first submissions")
    )
    span_hours: float | None = field(
        default=None,
        metadata=_h(
            "submissions spread over this many hours from start_hour (default: as generated)"
        ),
    )
    scale: float = field(
        default=1.0, metadata=_h("training trace: keep this share of its jobs (seeded sample)")
    )
    time_scale: float | None = field(
        default=None,
        metadata=_h("training trace: run hours per trace hour of submissions (default 1)"),
    )
    rps_scale: float = field(
        default=1.0, metadata=_h("inference trace: the trace's requests/s × this")
    )
    preemptible_share: float | None = field(
        default=None,
        metadata=_h("generator: share of training jobs that run at the spot price (default 0)"),
    )

    @property
    def kind(self) -> str:
        """preset, path, training trace or inference trace: a key of `SOURCE_FIELDS`."""
        return source_kind(self.preset, self.path, self.trace)


SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "preset": ("preset", "jobs", "seed", "start_hour", "span_hours", "preemptible_share"),
    "path": ("path", "start_hour", "span_hours"),
    "training trace": ("trace", "seed", "start_hour", "span_hours", "scale", "time_scale"),
    "inference trace": ("trace", "seed", "start_hour", "rps_scale"),
}
"""The fields each kind of workload source takes; a file may give no others."""


def source_kind(preset: str | None, path: str | None, trace: str | None) -> str:
    """The kind of a source with these fields (`trace` must be a known trace)."""
    if trace is not None:
        return f"{trace_kind(trace)} trace"
    return "path" if path is not None else "preset"


@dataclass(frozen=True, slots=True)
class InferenceSpec:
    """How inference demand moves: a diurnal curve on each service's request rate."""

    demand_factor: float = field(default=1.0, metadata=_h("every service's requests/s × this"))
    diurnal_amplitude: float = field(
        default=0.5, metadata=_h("demand × (1 + a·cos(2π(h − peak)/24)), 0 <= a <= 1")
    )
    peak_hour: float = field(
        default=21.0, metadata=_h("local hour of the daily peak (hour 0 of the run is midnight)")
    )


PRICING_MODES = ("fixed", "posted", "auction")
"""Pricing modes a scenario may name (`suanli.market.pricing.PricingMode`)."""


@dataclass(frozen=True, slots=True)
class PricingSpec:
    """How the run prices GPU-hours: a pricing policy file (default the packaged one) and the
    mode it runs in (`suanli.market.pricing`)."""

    mode: str = field(default="fixed", metadata=_h("fixed, posted or auction"))
    policy: str | None = field(
        default=None, metadata=_h("pricing policy file (default: the packaged policy)")
    )


@dataclass(frozen=True, slots=True)
class Outage:
    """A site goes down: its running jobs fail and are requeued; its GPUs are blocked."""

    kind: ClassVar[str] = "outage"
    site: str = field(metadata=_h("id of the site that goes down"))
    from_hour: float = field(metadata=_h("hour the outage starts"))
    to_hour: float = field(metadata=_h("hour the site is back"))


@dataclass(frozen=True, slots=True)
class NewSite:
    """A site opens: it is in the network from the start but offline until `at_hour`."""

    kind: ClassVar[str] = "new_site"
    at_hour: float = field(metadata=_h("hour the site opens"))
    site: Site = field(metadata=_h("the site, written as in a network file"))


@dataclass(frozen=True, slots=True)
class PriceChange:
    """Prices of the matching pools × `factor` from `at_hour` (no filter: every pool)."""

    kind: ClassVar[str] = "price_change"
    at_hour: float = field(metadata=_h("hour the new prices apply"))
    factor: float = field(metadata=_h("new price / current price"))
    site: str | None = field(default=None, metadata=_h("only the pools of this site"))
    pool: str | None = field(default=None, metadata=_h("only this pool"))
    gpu_model: str | None = field(default=None, metadata=_h("only pools of this GPU model"))


@dataclass(frozen=True, slots=True)
class DemandShift:
    """Demand moves from training to inference at `at_hour`."""

    kind: ClassVar[str] = "demand_shift"
    at_hour: float = field(metadata=_h("hour the shift happens"))
    training_arrival_factor: float = field(
        default=1.0, metadata=_h("training submissions from then on × this")
    )
    inference_demand_factor: float = field(
        default=1.0, metadata=_h("inference requests/s from then on × this")
    )


@dataclass(frozen=True, slots=True)
class EfficiencyGain:
    """Models train cheaper: jobs submitted from `at_hour` need × `training_work_factor` work."""

    kind: ClassVar[str] = "efficiency_gain"
    at_hour: float = field(metadata=_h("hour from which submitted jobs need less work"))
    training_work_factor: float = field(metadata=_h("H100 GPU-hours per job × this"))


EventSpec = Outage | NewSite | PriceChange | DemandShift | EfficiencyGain

EVENT_KINDS: dict[str, type[EventSpec]] = {
    k.kind: k for k in (Outage, NewSite, PriceChange, DemandShift, EfficiencyGain)
}

POLICIES = ("greedy", "optimal")
"""Placement policies a scenario may name (`suanli.placement.POLICIES`)."""


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A whole-network simulation: network, work, time, policy and timed events."""

    name: str = field(metadata=_h("name of the scenario"))
    duration_hours: float = field(metadata=_h("simulated hours"))
    network: NetworkSource = field(metadata=_h("the network"))
    workload: tuple[WorkloadSource, ...] = field(metadata=_h("the sources of work"))
    description: str = field(default="", metadata=_h("free text for people"))
    seed: int = field(default=0, metadata=_h("seed of the run's random draws (arrival thinning)"))
    step_hours: float = field(default=1.0, metadata=_h("hours between scheduling cycles"))
    placement_policy: str = field(
        default="greedy", metadata=_h("placement policy: greedy or optimal")
    )
    time_limit_s: float = field(
        default=5.0, metadata=_h("seconds the optimal policy may spend per solver stage")
    )
    inference: InferenceSpec = field(default_factory=InferenceSpec, metadata=_h("inference demand"))
    pricing: PricingSpec = field(
        default_factory=PricingSpec, metadata=_h("how GPU-hours are priced")
    )
    events: tuple[EventSpec, ...] = field(default=(), metadata=_h("timed events"))

    @property
    def steps(self) -> int:
        """Scheduling cycles in the run (the last may be shorter than `step_hours`)."""
        whole = int(self.duration_hours // self.step_hours)
        return whole + (1 if whole * self.step_hours < self.duration_hours - 1e-9 else 0)


def required_fields(cls: type[Any]) -> tuple[str, ...]:
    """Fields of a spec class without a default: a file must give them."""
    return tuple(
        f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
    )


def field_names(cls: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def field_help(cls: type[Any]) -> dict[str, str]:
    """Field name -> help text of a spec class."""
    return {f.name: str(f.metadata.get("help", "")) for f in fields(cls)}
