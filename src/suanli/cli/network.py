"""`suanli network ...`: build, check and inspect network files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from suanli.catalog.presets import NETWORK_PRESETS, build_network
from suanli.cli.output import emit_json, err, matrix_table, out, report_validation, table
from suanli.domain import Network
from suanli.formats import dump, load_network, network_to_dict, validate_network_file
from suanli.network import LatencyModel, capacity_by_hub, latency_by_region, latency_overview

app = typer.Typer(help="Build, validate and inspect network files.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON object on stdout instead of tables.")


@app.command()
def init(
    out_file: Path = typer.Option(
        ..., "--out", help="Where to write the network (.yaml or .json)."
    ),
    preset: str = typer.Option("china", help=f"One of: {', '.join(NETWORK_PRESETS)}."),
    seed: int = typer.Option(7, help="Seed for the china preset; same seed, same file."),
    nodes: Path | None = typer.Option(
        None,
        help="openb node list for --preset openb.",
        show_default="openb_node_list_gpu_node.csv in $SUANLI_TRACE_DIR/alibaba-openb-gpu-v2023/",
    ),
    as_json: bool = JSON,
) -> None:
    """Write a reference network to a file.

    Examples:

      suanli network init --preset china --out net.yaml

      suanli network init --preset openb --nodes openb_node_list_all_node.csv --out openb.yaml
    """
    built = build_network(preset, seed=seed, nodes=nodes)
    dump(network_to_dict(built.network), out_file)
    summary = {"out": str(out_file), **_totals(built.network), "notes": list(built.notes)}
    if as_json:
        emit_json(summary)
        return
    for note in built.notes:
        err.print(note)
    out.print(
        f"wrote {out_file}: {summary['sites']} sites, {summary['gpus']:,} GPUs in "
        f"{summary['pools']} pools, {summary['regions']} demand regions"
    )


@app.command()
def validate(
    file: Path = typer.Argument(..., help="Network file (.yaml, .yml or .json)."),
    as_json: bool = JSON,
) -> None:
    """Check a network file; exit 0 when valid, else exit 2 with one line per problem.

    Each problem reads FILE:LINE: field: message, and all of them are reported at once.

    Example:

      suanli network validate net.yaml
    """
    report_validation(file, validate_network_file(file), as_json)


@app.command()
def show(
    file: Path = typer.Argument(..., help="Network file (.yaml, .yml or .json)."),
    as_json: bool = JSON,
) -> None:
    """Print a network's capacity by hub and GPU model, and its latency to demand regions.

    Example:

      suanli network show net.yaml --json
    """
    network = load_network(file)
    report = describe(network)
    if as_json:
        emit_json(report)
        return
    print_description(report)


def _totals(network: Network) -> dict[str, Any]:
    return {
        "name": network.name,
        "sites": len(network.sites),
        "pools": len(network.pools()),
        "gpus": network.gpus,
        "regions": len(network.regions),
    }


def describe(network: Network) -> dict[str, Any]:
    """The network's totals, capacity table and latency summary as one dict."""
    model = LatencyModel(network)
    return {
        **_totals(network),
        "gpus_by_hub_and_model": capacity_by_hub(network),
        "latency": latency_overview(model),
        "latency_by_region": latency_by_region(model),
    }


def print_description(report: dict[str, Any]) -> None:
    out.print(
        f"[bold]{report['name']}[/]: {report['sites']} sites, {report['pools']} pools, "
        f"{report['gpus']:,} GPUs, {report['regions']} demand regions"
    )
    out.print(matrix_table("GPUs by hub and model", report["gpus_by_hub_and_model"], "hub"))
    rows = [
        [
            r["region"],
            r["nearest_site"],
            r["nearest_rtt_ms"],
            r["median_rtt_ms"],
            r["sites_within_5ms"],
            r["sites_within_20ms"],
        ]
        for r in report["latency_by_region"]
    ]
    out.print(
        table(
            "RTT from demand regions (ms)",
            ["region", "nearest site", "nearest", "median", "sites ≤5 ms", "sites ≤20 ms"],
            rows,
        )
    )
    lat = report["latency"]
    out.print(
        f"RTT over {lat['pairs']} site-region pairs: min {lat['min_rtt_ms']} ms, median "
        f"{lat['median_rtt_ms']} ms, max {lat['max_rtt_ms']} ms; within 5 ms: "
        f"{lat['share_within_5ms']:.0%}, within 20 ms: {lat['share_within_20ms']:.0%}"
    )
