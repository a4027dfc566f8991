"""What a scenario runs on: its network (scaled, with the sites it opens later) and its work in
time (jobs with submission hours, services with the hour they go live). Work comes from the
generator, a workload file or a replayed trace (`suanli.catalog.workloads.replay_trace`).

Sites fall in three classes for reporting: `west` (a cluster of a western national hub: the
catalog's `west` flag), `east` (any other hub cluster) and `metro` (an edge site in a city). By
latency they are `near_demand` (some demand region within `NEAR_DEMAND_RTT_MS`) or `remote`: the
article's remote western centres are the `remote` sites, which are all western.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

from suanli.catalog.places import clusters
from suanli.catalog.presets import build_network
from suanli.catalog.workloads import generate_workload, replay_trace, workload_preset
from suanli.domain import InferenceService, Network, Site, TrainingJob, Workload
from suanli.formats import load_network, load_workload
from suanli.formats.scenario_spec import NetworkSource, NewSite, ScenarioSpec, WorkloadSource
from suanli.market.pricing import PricingPolicy, load_pricing_policy
from suanli.network.latency import LatencyModel

SITE_CLASSES = ("west", "east", "metro")
SITE_GROUPS = (*SITE_CLASSES, "remote", "near_demand")

NEAR_DEMAND_RTT_MS = 5.0
"""A site this close (RTT) to some demand region is near demand: the national plan's 5 ms tier
from a cluster to a nearby city (DOMAIN.md §2). Farther sites are remote."""


@cache
def _west_clusters() -> frozenset[str]:
    return frozenset(c.cluster for c in clusters() if c.west)


def site_class(site: Site) -> str:
    """west, east or metro (module docstring)."""
    if site.cluster in _west_clusters():
        return "west"
    return "east" if site.is_hub else "metro"


def site_groups(network: Network, latency: LatencyModel) -> dict[str, list[str]]:
    """Group name -> ids of its sites, for every name of `SITE_GROUPS`."""
    nearest = latency.rtt_ms.min(axis=1, initial=float("inf"))
    groups: dict[str, list[str]] = {g: [] for g in SITE_GROUPS}
    for site, rtt in zip(network.sites, nearest.tolist(), strict=True):
        groups[site_class(site)].append(site.id)
        groups["near_demand" if rtt <= NEAR_DEMAND_RTT_MS else "remote"].append(site.id)
    return groups


def scenario_network(spec: ScenarioSpec) -> Network:
    """The network of `spec.network`, scaled, with every new site of the events appended (they
    stay offline until they open)."""
    base = _base_network(spec.network)
    new = tuple(e.site for e in spec.events if isinstance(e, NewSite))
    sites = tuple(_scaled(s, spec.network.scale) for s in (*base.sites, *new))
    return replace(base, sites=sites)


def _base_network(source: NetworkSource) -> Network:
    if source.path is not None:
        return load_network(source.path)
    return build_network(source.preset or "china", seed=source.seed).network


def _scaled(site: Site, scale: float) -> Site:
    if scale == 1.0:
        return site
    pools = tuple(replace(p, nodes=max(1, math.floor(p.nodes * scale + 0.5))) for p in site.pools)
    return replace(site, pools=pools)


@dataclass(frozen=True, slots=True)
class TimedWork:
    """All the work of a scenario: jobs by submission hour, services with their start hour."""

    jobs: tuple[TrainingJob, ...]
    services: tuple[tuple[float, InferenceService], ...]


def scenario_work(spec: ScenarioSpec, network: Network) -> TimedWork:
    """The work of every source, timed; ids get a `sK-` prefix when there are several sources."""
    jobs: list[TrainingJob] = []
    services: list[tuple[float, InferenceService]] = []
    for k, source in enumerate(spec.workload):
        prefix = f"s{k + 1}-" if len(spec.workload) > 1 else ""
        workload, horizon = _source_workload(source, network)
        stretch = 1.0 if source.span_hours is None else source.span_hours / horizon
        for j in workload.training_jobs:
            submit = source.start_hour + j.submit_hour * stretch
            jobs.append(replace(j, id=prefix + j.id, submit_hour=submit))
        services += [(source.start_hour, replace(s, id=prefix + s.id)) for s in workload.services]
    jobs.sort(key=lambda j: j.submit_hour)
    return TimedWork(tuple(jobs), tuple(services))


def _source_workload(source: WorkloadSource, network: Network) -> tuple[Workload, float]:
    """The source's work and the hours its submissions span as made (never 0)."""
    if source.trace is not None:
        replay = replay_trace(
            source.trace,
            source.seed,
            scale=source.scale,
            time_scale=1.0 if source.time_scale is None else source.time_scale,
            rps_scale=source.rps_scale,
            regions=network.regions,
        )
        return replay.workload, replay.span_hours
    if source.path is not None:
        workload = load_workload(source.path, network)
        last = max((j.submit_hour for j in workload.training_jobs), default=0.0)
        return workload, last or 1.0
    preset = workload_preset(source.preset or "mixed")
    if source.preemptible_share is not None:
        preset = replace(preset, preemptible_share=source.preemptible_share)
    workload = generate_workload(preset, source.jobs, source.seed, network.regions)
    return workload, preset.arrival_hours_per_100_jobs * source.jobs / 100


def scenario_pricing(spec: ScenarioSpec) -> PricingPolicy:
    """The scenario's pricing policy (its file, else the packaged one) in the scenario's mode."""
    return load_pricing_policy(spec.pricing.policy, spec.pricing.mode)
