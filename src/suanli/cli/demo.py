"""`suanli demo`: the main job end to end on the embedded defaults (no servers, local files)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import typer

from suanli.catalog.presets import build_network
from suanli.catalog.workloads import generate_workload, summarize
from suanli.cli.network import describe, print_description
from suanli.cli.output import emit_json, err, out, table
from suanli.cli.workload import print_mix
from suanli.formats import dump, load_network, load_workload, network_to_dict, workload_to_dict
from suanli.sim.scenario import headline, short_run

NEXT_STEPS = """\
Try next:
  suanli network show {net}
  suanli network validate {net}
  suanli workload show {work}
  suanli workload generate --preset inference --jobs 100 --seed 1 --out svc.yaml
  suanli network init --preset openb --out openb.yaml   (reads $SUANLI_TRACE_DIR)
  suanli place --network {net} --workload {work} --explain job-00003
  suanli sim run inference-shift --out shift-run     (plots in shift-run/utilization.html)
  suanli sim openb --policy fgd,bestfit --seeds 42-44  (reads $SUANLI_TRACE_DIR)
  suanli schema network
"""


def demo(
    out_dir: Path | None = typer.Option(
        None, "--out", help="Folder for the generated files [default: a new temporary folder]."
    ),
    seed: int = typer.Option(7, help="Seed for the network and the workload."),
    jobs: int = typer.Option(300, help="Training jobs and inference services to generate."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Build the reference network and a workload, then show capacity, latency and the mix.

    Examples:

      suanli demo

      suanli demo --out demo --seed 3 --jobs 1000 --json
    """
    folder = out_dir or Path(tempfile.mkdtemp(prefix="suanli-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    net_file, work_file = folder / "network.yaml", folder / "workload.yaml"
    with err.status("building the china reference network and a mixed workload"):
        dump(network_to_dict(build_network("china", seed=seed).network), net_file)
        network = load_network(net_file)
        dump(workload_to_dict(generate_workload("mixed", jobs, seed, network.regions)), work_file)
        workload = load_workload(work_file, network)
    with err.status("simulating the first day of the inference-shift scenario"):
        shift = headline(short_run())
    report: dict[str, Any] = {
        "folder": str(folder),
        "network_file": str(net_file),
        "workload_file": str(work_file),
        "network": describe(network),
        "workload": summarize(workload),
    }
    if as_json:
        emit_json(report)
        return
    out.print(f"[bold]suanli demo[/]: files in {folder}\n")
    print_description(report["network"])
    out.print()
    print_mix(report["workload"])
    out.print()
    print_shift(shift)
    out.print()
    out.print(NEXT_STEPS.format(net=net_file, work=work_file), markup=False)


def print_shift(figures: dict[str, Any]) -> None:
    """The headline of the short inference-shift run: where utilization went."""
    shares = [
        ("utilization, whole network", "utilization"),
        ("utilization, sites near demand (<= 5 ms to a city)", "utilization_near_demand"),
        ("utilization, remote sites", "utilization_remote"),
        ("inference share of GPU-hours sold", "inference_share"),
        ("inference demand served within SLO", "slo_attainment"),
    ]
    rows: list[list[Any]] = [[label, f"{figures[key]:.1%}"] for label, key in shares]
    rows.append(["revenue (yuan)", f"{figures['revenue_yuan']:,.0f}"])
    title = f"{figures['scenario']}: first {figures['hours']:g} h simulated"
    out.print(table(title, ["measure", "value"], rows))
