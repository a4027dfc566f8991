"""`suanli demo`: the main job end to end on the embedded defaults (no servers, local files).

1. the china reference network and a mixed workload, written as files;
2. placement of the whole workload by the optimizer, with its bound, and why one job is where
   it is;
3. the exchange in-process on a SQLite file (`suanli.cli.demo_exchange`): accounts, a quote, a
   reservation, start, telemetry, completion and the bill;
4. the telemetry audit behind that bill;
5. a short simulation: the first day of the inference-shift scenario.
Its files go to a temporary folder that is removed at the end, unless `--out` keeps them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from suanli.catalog.presets import build_network
from suanli.catalog.workloads import generate_workload, summarize
from suanli.cli.demo_exchange import run_exchange
from suanli.cli.network import describe, print_description
from suanli.cli.output import emit_json, err, out, table
from suanli.cli.place import print_explanation
from suanli.cli.workload import print_mix
from suanli.domain import Network, Workload
from suanli.formats import dump, load_network, load_workload, network_to_dict, workload_to_dict
from suanli.placement import Snapshot, explain, plan
from suanli.sim.scenario import headline, short_run

SEE_ALL = "suanli demo --json, or the place command below, shows all"
PLACEMENT_POLICY = "optimal"
PLACEMENT_SECONDS = 10.0
EXPLAINED_POOLS = 6
NEXT_STEPS = """\
Try next:
  suanli network show {net}
  suanli workload show {work}
  suanli place --network {net} --workload {work} --explain {job}
  suanli serve            (the exchange at http://127.0.0.1:8080, API docs at /docs)
  suanli meter generate --scenario mixed --gpus 64 --hours 6 --out fleet && suanli meter audit fleet
  suanli sim run inference-shift --out shift-run     (plots in shift-run/utilization.html)
  suanli sim openb --policy fgd,bestfit --seeds 42-44  (reads $SUANLI_TRACE_DIR)
  suanli schema network
"""


def demo(
    out_dir: Path | None = typer.Option(
        None,
        "--out",
        help="Folder to keep the demo's files in (network, workload, exchange database, "
        "telemetry).",
        show_default="a temporary folder, removed at the end",
    ),
    seed: int = typer.Option(7, help="Seed for the network, the workload and the telemetry."),
    jobs: int = typer.Option(300, help="Training jobs and inference services to generate."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Run the main job end to end: network and workload, placement with its explanation,
    the exchange (quote, reservation, telemetry, bill), the audit, and a short simulation.

    Examples:

      suanli demo

      suanli demo --out demo --seed 3 --jobs 1000 --json
    """
    with _folder(out_dir) as folder:
        report = _run(folder, seed, jobs)
    report["kept"] = out_dir is not None
    if as_json:
        emit_json(report)
        return
    _print(report)


@contextmanager
def _folder(out_dir: Path | None) -> Iterator[Path]:
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        yield out_dir
        return
    with tempfile.TemporaryDirectory(prefix="suanli-demo-") as folder:
        yield Path(folder)


def _run(folder: Path, seed: int, jobs: int) -> dict[str, Any]:
    net_file, work_file = folder / "network.yaml", folder / "workload.yaml"
    with err.status("1/5 building the china reference network and a mixed workload"):
        dump(network_to_dict(build_network("china", seed=seed).network), net_file)
        network = load_network(net_file)
        dump(workload_to_dict(generate_workload("mixed", jobs, seed, network.regions)), work_file)
        workload = load_workload(work_file, network)
    with err.status(f"2/5 placing {jobs} jobs and services with the optimizer"):
        placed = _placement(network, workload)
    with err.status("3-4/5 the exchange: quote, reserve, run, meter, audit, bill"):
        exchange = run_exchange(folder, network, seed)
    with err.status("5/5 simulating the first day of the inference-shift scenario"):
        shift = headline(short_run())
    return {
        "folder": str(folder),
        "network_file": str(net_file),
        "workload_file": str(work_file),
        "network": describe(network),
        "workload": summarize(workload),
        "placement": placed,
        "exchange": exchange,
        "simulation": shift,
    }


def _placement(network: Network, workload: Workload) -> dict[str, Any]:
    """The plan's figures, and the explanation of its first placed training job."""
    snapshot = Snapshot.of(network)
    result = plan(snapshot, workload, policy=PLACEMENT_POLICY, time_limit=PLACEMENT_SECONDS)
    decided = result.to_dict()
    first = decided["placements"][0]["job"] if decided["placements"] else None
    job = first or (workload.training_jobs or workload.services)[0].id
    services = {s.id for s in workload.services}
    unplaced = [u for u in decided["unplaced"] if u["job"] not in services]
    return {
        "policy": PLACEMENT_POLICY,
        "training_jobs": len(workload.training_jobs),
        "services": len(workload.services),
        "placed_jobs": len(decided["placements"]),
        "services_with_replicas": len({r["service"] for r in decided["replicas"]}),
        "unplaced_jobs": len(unplaced),
        "services_partly_served": len(decided["unplaced"]) - len(unplaced),
        "unplaced": decided["unplaced"],
        **{
            k: decided[k]
            for k in ("objective_yuan", "lower_bound_yuan", "gap", "status", "solve_seconds")
        },
        "explained": {"job": job, "pools": explain(job, snapshot, workload, result)},
    }


def _print(report: dict[str, Any]) -> None:
    kept = report["kept"]
    where = f"files in {report['folder']}" if kept else "files in a temporary folder"
    out.print(f"[bold]suanli demo[/]: the main job end to end ({where})\n")
    out.print("[bold]1. The network and the workload[/]")
    print_description(report["network"])
    print_mix(report["workload"])
    _print_placement(report["placement"])
    _print_exchange(report["exchange"])
    _print_audit(report["exchange"]["bill"])
    out.print("\n[bold]5. A short simulation[/]")
    print_shift(report["simulation"])
    out.print()
    folder = Path(report["folder"]) if kept else Path("demo")
    steps = NEXT_STEPS.format(
        net=folder / "network.yaml",
        work=folder / "workload.yaml",
        job=report["placement"]["explained"]["job"],
    )
    out.print(steps, markup=False)
    if not kept:
        out.print(
            "The temporary files were removed; run 'suanli demo --out demo' to keep them "
            "(the commands above read demo/).",
            markup=False,
        )


def _print_placement(placed: dict[str, Any]) -> None:
    out.print(f"\n[bold]2. Placement[/] ({placed['policy']} policy, HiGHS)")
    out.print(
        f"{placed['placed_jobs']} of {placed['training_jobs']} training jobs placed "
        f"({placed['unplaced_jobs']} not), {placed['services_with_replicas']} of "
        f"{placed['services']} services with replicas ({placed['services_partly_served']} "
        f"partly served); cost {placed['objective_yuan']:,.2f} yuan, lower bound "
        f"{placed['lower_bound_yuan']:,.2f}, gap {placed['gap']:.3%} ({placed['status']}, "
        f"{placed['solve_seconds']:.1f} s)",
        markup=False,
    )
    rows = [[u["job"], u["reason"]] for u in placed["unplaced"]]
    out.print(table("Why work is unplaced or partly served", ["job", "reason"], rows, 3, SEE_ALL))
    print_explanation(placed["explained"], EXPLAINED_POOLS, SEE_ALL)


def _print_exchange(story: dict[str, Any]) -> None:
    quote, bill = story["quote"], story["bill"]
    out.print(f"\n[bold]3. The exchange[/] (in-process, SQLite at {story['database']})")
    rows = [
        [
            line["pool_id"],
            line["gpus"],
            line["price_yuan_per_gpu_hour"],
            line["est_hours"],
            line["cost_yuan"],
            line["minimum_yuan"],
        ]
        for line in quote["lines"]
    ]
    columns = ["pool", "GPUs", "yuan/GPU-h", "est. hours", "holds yuan", "minimum yuan"]
    out.print(table(f"Quote {quote['id']} for job {story['job']}", columns, rows))
    buyer, supplier = story["buyer_balances"], story["supplier_balances"]
    telemetry = story["telemetry"]
    steps = [
        f"the operator opened account {story['buyer']} and topped it up with "
        f"{story['top_up_yuan']:,} yuan",
        f"reserved: {story['reservation']['total_yuan']:,.2f} yuan held, to start by "
        f"{story['reservation']['start_by']}",
        f"started; the supplier pushed {telemetry['samples']:,} telemetry samples of "
        f"{telemetry['busy_hours']:.2f} h of work",
        f"completed and billed ({bill['basis']}): {bill['charged_yuan']:,.2f} yuan charged, "
        f"{bill['refunded_yuan']:,.2f} refunded",
        f"buyer's wallet {buyer['wallet_yuan']:,.2f} yuan; supplier's receivable "
        f"{supplier['receivable_yuan']:,.2f} (after the platform fee); the ledger sums to "
        f"{story['postings_total_yuan']:.2f}",
    ]
    for step in steps:
        out.print(f"  - {step}", markup=False)


def _print_audit(bill: dict[str, Any]) -> None:
    audit = bill["audit"]
    out.print("\n[bold]4. The audit behind the bill[/]")
    if audit is None:
        out.print("  no telemetry: billed as reserved")
        return
    rows = [[name, hours] for name, hours in audit["hours_by_class"].items()]
    rows.append(["certified", audit["certified_gpu_hours"]])
    out.print(table(f"GPU-hours of {bill['job_id']} by class", ["class", "GPU-hours"], rows))
    flags = ", ".join(f["detector"] for f in audit["flags"]) or "none"
    out.print(f"  policy {audit['policy']['version']}; flags: {flags}", markup=False)


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
