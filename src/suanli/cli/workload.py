"""`suanli workload ...`: generate, check and inspect workload files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

from suanli.catalog import demand_regions
from suanli.catalog.workloads import PRESETS, generate_workload, summarize
from suanli.cli.output import emit_json, out, report_validation, table
from suanli.formats import (
    dump,
    load_network,
    load_workload,
    validate_workload_file,
    workload_to_dict,
)

app = typer.Typer(help="Generate, validate and inspect workload files.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON object on stdout instead of tables.")
NETWORK = typer.Option(
    None, "--network", help="Network file whose demand regions the workload refers to."
)


@app.command()
def generate(
    out_file: Path = typer.Option(
        ..., "--out", help="Where to write the workload (.yaml or .json)."
    ),
    preset: str = typer.Option("mixed", help=f"One of: {', '.join(PRESETS)}."),
    jobs: int = typer.Option(200, help="Number of training jobs and inference services together."),
    seed: int = typer.Option(42, help="Seed; the same seed gives the same file, byte for byte."),
    network: Path | None = NETWORK,
    as_json: bool = JSON,
) -> None:
    """Write a workload whose sizes follow the public traces (PAI, Philly, openb, Azure, Mooncake).

    Examples:

      suanli workload generate --preset mixed --jobs 500 --seed 42 --out w.yaml

      suanli workload generate --preset inference --jobs 50 --network net.yaml --out svc.yaml
    """
    regions = load_network(network).regions if network else demand_regions()
    workload = generate_workload(preset, jobs, seed, regions)
    dump(workload_to_dict(workload), out_file)
    mix = summarize(workload)
    if as_json:
        emit_json({"out": str(out_file), **mix})
        return
    out.print(f"wrote {out_file}")
    print_mix(mix)


@app.command()
def validate(
    file: Path = typer.Argument(..., help="Workload file (.yaml, .yml or .json)."),
    network: Path | None = NETWORK,
    as_json: bool = JSON,
) -> None:
    """Check a workload file; exit 0 when valid, else exit 2 with one line per problem.

    With --network, region names are checked against that network's demand regions.

    Example:

      suanli workload validate w.yaml --network net.yaml
    """
    net = load_network(network) if network else None
    report_validation(file, validate_workload_file(file, net), as_json)


@app.command()
def show(
    file: Path = typer.Argument(..., help="Workload file (.yaml, .yml or .json)."),
    as_json: bool = JSON,
) -> None:
    """Print a workload's mix: job sizes, run times, inference demand by region.

    Example:

      suanli workload show w.yaml
    """
    mix = summarize(load_workload(file))
    if as_json:
        emit_json(mix)
        return
    print_mix(mix)


def print_mix(mix: Mapping[str, Any]) -> None:
    """The workload mix as three tables: totals, GPUs per training job, demand by region."""
    out.print(
        table(
            "Workload mix",
            ["measure", "value"],
            [
                ["training jobs", mix["training_jobs"]],
                ["inference services", mix["services"]],
                ["training work (H100 GPU-hours)", mix["h100_gpu_hours"]],
                ["run hours, median", mix["run_hours_median"]],
                ["run hours, p95", mix["run_hours_p95"]],
            ],
        )
    )
    if mix["gpus_per_job"]:
        rows = [[str(gpus), count] for gpus, count in mix["gpus_per_job"].items()]
        out.print(table("GPUs per training job", ["GPUs", "jobs"], rows))
    if mix["rps_by_region"]:
        rows = [[region, rps] for region, rps in mix["rps_by_region"].items()]
        out.print(table("Inference demand by region", ["region", "requests/s"], rows))
