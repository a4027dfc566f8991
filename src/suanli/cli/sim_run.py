"""`suanli sim run SCENARIO`: a whole-network simulation from a scenario file or a shipped name.

Register it in the `sim` group: `app.command(name="run")(sim_run.run_scenario_command)`.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer

from suanli.cli.output import emit_json, err, out, table
from suanli.errors import InvalidValueError
from suanli.formats import ScenarioSpec
from suanli.formats.scenario_spec import PRICING_MODES
from suanli.sim.kernel import JsonLinesLog
from suanli.sim.scenario import (
    SHIPPED,
    headline,
    load_named,
    result_json,
    run_scenario,
    shortened,
    write_outputs,
)
from suanli.sim.scenario.runner import ScenarioResult

EVENT_LOG = "events.jsonl"


def run_scenario_command(
    scenario: str = typer.Argument(
        ..., help=f"Scenario file (.yaml or .json), or a shipped name: {', '.join(SHIPPED)}."
    ),
    out_dir: Path | None = typer.Option(
        None, "--out", help="Folder for the result files.", show_default="a new temporary folder"
    ),
    hours: float | None = typer.Option(
        None,
        "--hours",
        help="Run only the first HOURS of the scenario (a quick look).",
        show_default="the whole scenario",
    ),
    pricing: str | None = typer.Option(
        None,
        "--pricing",
        help=f"Price with this mode instead of the scenario's: {', '.join(PRICING_MODES)}.",
        show_default="the scenario's (fixed unless it says)",
    ),
    log_events: bool = typer.Option(
        False, "--log-events", help=f"Also write every event to {EVENT_LOG} (JSON lines)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print result.json on stdout."),
) -> None:
    """Simulate the whole network: jobs queue, start and finish, inference follows the day, sites
    fail and open, prices and demand move; placement is the exchange's own.

    Writes result.json, timeseries.csv, sites.csv, scenario.yaml (resolved) and utilization
    plots (PNG, and HTML that opens offline) into --out. The same scenario and seed give the
    same result.json, byte for byte.

    Examples:

      suanli sim run inference-shift --hours 24

      suanli sim run inference-shift --pricing posted --hours 24

      suanli sim run my-scenario.yaml --out runs/my --json

      suanli schema scenario --out scenario.schema.json
    """
    spec = scenario_spec(scenario, hours, pricing)
    folder = out_dir or Path(tempfile.mkdtemp(prefix=f"suanli-sim-{spec.name}-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with err.status(f"simulating {spec.name} for {spec.duration_hours:g} hours"):
        if log_events:
            with (folder / EVENT_LOG).open("w", encoding="utf-8", newline="\n") as stream:
                result = run_scenario(spec, log=JsonLinesLog(stream))
        else:
            result = run_scenario(spec)
        files = write_outputs(result, folder)
    if as_json:
        print(result_json(result), end="")
        return
    _print(result, files, time.perf_counter() - started)


def scenario_spec(scenario: str, hours: float | None, pricing: str | None) -> ScenarioSpec:
    """The named or given scenario, cut to `hours`, priced in `pricing` mode when given."""
    spec = load_named(scenario)
    if pricing is not None:
        if pricing not in PRICING_MODES:
            raise InvalidValueError(
                f"--pricing takes one of {', '.join(PRICING_MODES)}; got {pricing!r}"
            )
        spec = replace(spec, pricing=replace(spec.pricing, mode=pricing))
    return spec if hours is None else shortened(spec, hours)


def _shown(key: str, value: Any) -> Any:
    """A headline figure as a person reads it: shares in percent, hours without trailing zeros."""
    if value is None:
        return ""
    if key.startswith("utilization") or key in ("slo_attainment", "inference_share"):
        return f"{value:.1%}"
    if key == "hours":
        return f"{value:g}"
    return value


def _print(result: ScenarioResult, files: list[Path], seconds: float) -> None:
    figures: dict[str, Any] = headline(result)
    rows = [[k, _shown(k, v)] for k, v in figures.items()]
    out.print(table(f"Scenario {figures['scenario']}", ["figure", "value"], rows))
    out.print(f"{result.events:,} events in {seconds:.1f} s; files in {files[0].parent}:")
    for f in files:
        out.print(f"  {f.name}")


def compare_command(
    scenario: str = typer.Argument(
        ..., help=f"Scenario file (.yaml or .json), or a shipped name: {', '.join(SHIPPED)}."
    ),
    pricing: str = typer.Option(
        ",".join(PRICING_MODES), "--pricing", help="Pricing modes to compare, a comma list."
    ),
    hours: float | None = typer.Option(
        None, "--hours", help="Run only the first HOURS.", show_default="the whole scenario"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the figures per mode as JSON."),
) -> None:
    """Run one scenario under several pricing modes and show their headline figures side by
    side: where training ran, how much inference was served within its SLO, remote against
    near-demand utilization, revenue and fees.

    Examples:

      suanli sim compare inference-shift --hours 24

      suanli sim compare price-fall --pricing fixed,posted --json
    """
    modes = [m.strip() for m in pricing.split(",") if m.strip()]
    if not modes:
        raise InvalidValueError(f"--pricing takes a comma list of {', '.join(PRICING_MODES)}")
    specs = [scenario_spec(scenario, hours, mode) for mode in modes]  # every mode checked first
    figures: dict[str, dict[str, Any]] = {}
    for mode, spec in zip(modes, specs, strict=True):
        with err.status(f"simulating {spec.name} for {spec.duration_hours:g} hours, {mode}"):
            figures[mode] = headline(run_scenario(spec))
    if as_json:
        emit_json(figures)
        return
    keys = [k for k in figures[modes[0]] if k not in ("scenario", "pricing")]
    rows = [[k, *(_shown(k, figures[m][k]) for m in modes)] for k in keys]
    name = figures[modes[0]]["scenario"]
    out.print(table(f"Scenario {name} by pricing mode", ["figure", *modes], rows))
