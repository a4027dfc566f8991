"""`suanli place`: decide where pending work runs on a network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from suanli.cli.output import SEE_ALL, SHOWN_ROWS, emit_json, out, table
from suanli.formats import load_network, load_workload
from suanli.placement import POLICIES, Snapshot, explain, plan


def place(
    network_file: Path = typer.Option(..., "--network", help="Network file (.yaml or .json)."),
    workload_file: Path = typer.Option(..., "--workload", help="Workload file (.yaml or .json)."),
    policy: str = typer.Option("optimal", help=f"One of: {', '.join(POLICIES)}."),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Seconds the optimizer may use."),
    explain_job: str | None = typer.Option(
        None, "--explain", help="Also say, for every pool, why this job or service is (not) there."
    ),
    show_all: bool = typer.Option(
        False, "--all", help=f"List every row; tables show the first {SHOWN_ROWS} otherwise."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Place training jobs and inference services on a network's free capacity.

    Prints placements, inference replicas, unplaced work with reasons, the objective (yuan),
    the solver's lower bound, the gap and the solve time.

    Examples:

      suanli place --network net.yaml --workload w.yaml

      suanli place --network net.yaml --workload w.yaml --policy greedy --json

      suanli place --network net.yaml --workload w.yaml --all

      suanli place --network net.yaml --workload w.yaml --explain job-00042
    """
    network = load_network(network_file)
    workload = load_workload(workload_file, network)
    snapshot = Snapshot.of(network)
    result = plan(snapshot, workload, policy=policy, time_limit=time_limit)
    report = result.to_dict()
    if explain_job is not None:
        report["explain"] = {
            "job": explain_job,
            "pools": explain(explain_job, snapshot, workload, result),
        }
    if as_json:
        emit_json(report)
        return
    print_plan(report, limit=None if show_all else SHOWN_ROWS)
    if explain_job is not None:
        print_explanation(report["explain"])


def print_plan(report: dict[str, Any], limit: int | None = SHOWN_ROWS) -> None:
    """Placements, replicas and unplaced work as tables (the first `limit` rows of each), then
    the objective line."""
    rows = [
        [
            p["job"],
            p["site"],
            p["gpu_model"],
            p["gpus"],
            p["price_yuan_per_gpu_hour"],
            p["est_cost_yuan"],
        ]
        for p in report["placements"]
    ]
    title = f"Placements ({len(report['placements'])})"
    columns = ["job", "site", "GPU", "GPUs", "yuan/GPU-h", "est. yuan"]
    out.print(table(title, columns, rows, limit))
    rows = [
        [
            r["service"],
            r["site"],
            r["gpu_model"],
            r["replicas"],
            ", ".join(f"{k} {v:.0%}" for k, v in r["region_share"].items()),
        ]
        for r in report["replicas"]
    ]
    title = f"Inference replicas ({len(report['replicas'])})"
    out.print(table(title, ["service", "site", "GPU", "replicas", "serves"], rows, limit))
    if report["unplaced"]:
        rows = [[u["job"], u["reason"]] for u in report["unplaced"]]
        out.print(table(f"Unplaced ({len(report['unplaced'])})", ["job", "reason"], rows, limit))
    out.print(
        f"objective {report['objective_yuan']:,.2f} yuan, lower bound "
        f"{report['lower_bound_yuan']:,.2f}, gap {report['gap']:.3%}, "
        f"{report['solve_seconds']:.2f} s ({report['status']})"
    )


def print_explanation(
    explained: dict[str, Any], limit: int | None = None, see_all: str = SEE_ALL
) -> None:
    """One row per pool, the chosen ones first: why the job or service is (not) there; for a
    training job also its cost there, compute and data transfer apart (the first `limit`)."""
    pools = sorted(explained["pools"], key=lambda r: not r["chosen"])
    costs = ["compute_yuan", "transfer_yuan"] if pools and "transfer_yuan" in pools[0] else []
    rows = [
        [
            r["pool"],
            r["gpu_model"],
            r["price_yuan_per_gpu_hour"],
            *(r[c] for c in costs),
            "; ".join(r["reasons"]),
        ]
        for r in pools
    ]
    columns = ["pool", "GPU", "yuan/GPU-h", *(["compute yuan", "transfer yuan"] if costs else [])]
    title = f"Why {explained['job']} is where it is"
    out.print(table(title, [*columns, "reasons"], rows, limit, see_all))
