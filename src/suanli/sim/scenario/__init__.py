"""Whole-network scenarios (`suanli sim run SCENARIO.yaml`): a network, sources of work and timed
events (outages, new sites, price changes, demand shifts, efficiency gains), run on the event
kernel through the exchange's own placement, with utilization, sales, queueing, SLO and stranded
capacity over time and per site.

Entry points: `run_scenario(spec)` (spec from `suanli.formats.load_scenario` or `load_shipped`),
`write_outputs(result, out_dir)`, `headline(result)`, and `short_run()` for the demo.
"""

from suanli.sim.scenario.headline import headline
from suanli.sim.scenario.output import FILES, result_json, write_outputs
from suanli.sim.scenario.runner import ScenarioResult, run_scenario
from suanli.sim.scenario.shipped import (
    DEMO_HOURS,
    SHIPPED,
    load_named,
    load_shipped,
    shipped_path,
    short_run,
    shortened,
)

__all__ = [
    "DEMO_HOURS",
    "FILES",
    "SHIPPED",
    "ScenarioResult",
    "headline",
    "load_named",
    "load_shipped",
    "result_json",
    "run_scenario",
    "shipped_path",
    "short_run",
    "shortened",
    "write_outputs",
]
