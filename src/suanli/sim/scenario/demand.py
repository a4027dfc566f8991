"""Inference demand over the day.

Every demand region is in China Standard Time and hour 0 of a run is local midnight, so one
curve serves all regions: a service's requests/s at hour h is

    rps_sr(h) = rps_sr × factor(h) × (1 + a × cos(2π (h − peak) / 24))

where `factor` is the scenario's inference demand factor (moved by demand-shift events), `a`
the diurnal amplitude (0.5 by default: the night trough is a third of the evening peak) and
`peak` the local hour of the peak (21:00 by default: evening use of chat and code assistants).
The amplitude and peak are assumptions; the curve's mean over a day is the service's rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

from suanli.domain import InferenceService, RegionDemand
from suanli.formats.scenario_spec import InferenceSpec


def diurnal(hour: float, spec: InferenceSpec) -> float:
    """The daily curve's multiplier at `hour` (module docstring)."""
    return 1.0 + spec.diurnal_amplitude * math.cos(2.0 * math.pi * (hour - spec.peak_hour) / 24.0)


def demand_at(services: Iterable[InferenceService], multiplier: float) -> list[InferenceService]:
    """The services with every region's requests/s × `multiplier`; none when it is 0."""
    if multiplier <= 0:
        return []
    return [
        replace(s, demand=tuple(RegionDemand(d.region, d.rps * multiplier) for d in s.demand))
        for s in services
    ]
