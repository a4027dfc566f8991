"""Run a scenario on the event kernel and collect its result.

1. build the network (with the sites that open later) and the timed work (`setup`);
2. schedule the scenario's events, every job's arrival and the first scheduling cycle;
3. run the kernel to `duration_hours` with the scenario's seed, then settle the lines still open
   on the hours they ran (`money`);
4. integrate the usage intervals (`accounts`) and write the figures (`report`).
The result holds no wall time: the same scenario and seed give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from suanli.formats import ScenarioSpec, scenario_to_dict
from suanli.formats.scenario_spec import (
    DemandShift,
    EfficiencyGain,
    EventSpec,
    NewSite,
    Outage,
    PriceChange,
)
from suanli.market.lifecycle import Effect
from suanli.sim.kernel import Event, EventLog, Kernel
from suanli.sim.scenario import events as ev
from suanli.sim.scenario.accounts import accounts
from suanli.sim.scenario.cycle import Cycle, close_replicas
from suanli.sim.scenario.prices import price_index
from suanli.sim.scenario.report import sites, summary, timeseries
from suanli.sim.scenario.setup import scenario_network, scenario_pricing, scenario_work
from suanli.sim.scenario.world import World


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """What a run produced: the resolved scenario, the summary, steps and sites."""

    scenario: dict[str, Any]
    summary: dict[str, Any]
    timeseries: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    events: int
    price_index: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "summary": self.summary,
            "events": self.events,
            "timeseries": self.timeseries,
            "sites": self.sites,
            "price_index": self.price_index,
        }


def _outage(e: Outage) -> list[Event[World]]:
    return [ev.SiteDown(e.from_hour, e.site), ev.SiteUp(e.to_hour, e.site)]


def _new_site(e: NewSite) -> list[Event[World]]:
    return [ev.SiteDown(0.0, e.site.id), ev.SiteUp(e.at_hour, e.site.id)]


def _price(e: PriceChange) -> list[Event[World]]:
    return [ev.PriceChange(e.at_hour, e.factor, e.site, e.pool, e.gpu_model)]


def _shift(e: DemandShift) -> list[Event[World]]:
    return [ev.DemandShift(e.at_hour, e.training_arrival_factor, e.inference_demand_factor)]


def _gain(e: EfficiencyGain) -> list[Event[World]]:
    return [ev.EfficiencyGain(e.at_hour, e.training_work_factor)]


EVENTS: dict[type[Any], Callable[[Any], list[Event[World]]]] = {
    Outage: _outage,
    NewSite: _new_site,
    PriceChange: _price,
    DemandShift: _shift,
    EfficiencyGain: _gain,
}
"""Kernel events of each kind of scenario event: a registry, not an if-chain."""


def kernel_events(spec: EventSpec) -> list[Event[World]]:
    return EVENTS[type(spec)](spec)


def simulate(spec: ScenarioSpec, *, log: EventLog | None = None) -> World:
    """Steps 1–3 of the module docstring: the world as the run left it."""
    network = scenario_network(spec)
    world = World(spec, network, scenario_work(spec, network), scenario_pricing(spec))
    kernel = Kernel(world, rng=np.random.default_rng(spec.seed), log=log)
    for e in spec.events:
        kernel.schedule_all(kernel_events(e))
    arrivals = (j for j in world.work.jobs if j.submit_hour < spec.duration_hours)
    kernel.schedule_all(ev.JobArrival(j.submit_hour, j) for j in arrivals)
    kernel.schedule(Cycle(0.0))
    world.events_run = kernel.run(until=spec.duration_hours)
    _settle_open(world)
    return world


def _settle_open(world: World) -> None:
    """Settle what still runs at the end on the hours it ran within the run."""
    end = world.spec.duration_hours
    close_replicas(world)
    for run in world.running.values():
        usage = run.usage
        usage.end = min(usage.end, end)
        world.money.close(usage.line, Effect.SETTLE, usage.gpus * (usage.end - usage.start))


def run_scenario(spec: ScenarioSpec, *, log: EventLog | None = None) -> ScenarioResult:
    """Steps 1–4 of the module docstring; `log` receives every event's `to_dict()`."""
    world = simulate(spec, log=log)
    acc = accounts(world)
    return ScenarioResult(
        scenario=scenario_to_dict(spec),
        summary=summary(world, acc),
        timeseries=timeseries(world, acc),
        sites=sites(world, acc),
        events=world.events_run,
        price_index=price_index(world),
    )
