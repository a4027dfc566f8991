"""`suanli sim ...`: replay traces through the same placement code the exchange uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress

from suanli.cli import sim_run
from suanli.cli.output import emit_json, err, out, table
from suanli.domain import Pod
from suanli.errors import InvalidValueError
from suanli.placement.packing import POLICIES, Snapshot, snapshot_from_openb
from suanli.sim.openb import OpenbRun, run_openb, summarize_runs
from suanli.traces import load_openb_nodes, load_openb_pods, trace_file

app = typer.Typer(help="Simulate the network on real traces.", no_args_is_help=True)
app.command(name="run")(sim_run.run_scenario_command)
app.command(name="compare")(sim_run.compare_command)

OPENB = "alibaba-openb-gpu-v2023/"


def parse_seeds(text: str) -> list[int]:
    """`42`, `42-51` or `1,5,9` -> the seeds."""
    try:
        if "-" in text.strip("-"):
            first, last = (int(x) for x in text.split("-", 1))
            if last < first:
                raise ValueError
            return list(range(first, last + 1))
        return [int(x) for x in text.split(",")]
    except ValueError:
        raise InvalidValueError(
            f"--seeds takes a seed, a range like 42-51 or a list like 1,5,9; got {text!r}"
        ) from None


def parse_policies(text: str) -> list[str]:
    """`fgd`, `fgd,bestfit` or `all`; names are checked by the packing registry."""
    return list(POLICIES) if text == "all" else [p.strip() for p in text.split(",") if p.strip()]


@app.command()
def openb(
    nodes: Path | None = typer.Option(
        None,
        help="Node list.",
        show_default=f"openb_node_list_all_node.csv in $SUANLI_TRACE_DIR/{OPENB}",
    ),
    pods: Path | None = typer.Option(
        None,
        help="Pod list.",
        show_default=f"openb_pod_list_default.csv in $SUANLI_TRACE_DIR/{OPENB}",
    ),
    policy: str = typer.Option(
        "fgd", help=f"A packing policy, a comma list, or all: {', '.join(POLICIES)}."
    ),
    seed: int = typer.Option(42, help="Seed for tuning, shuffling and the random policy."),
    seeds: str | None = typer.Option(
        None, help="Several seeds, e.g. 42-51; overrides --seed.", show_default="--seed only"
    ),
    tune: float = typer.Option(1.3, help="Inflate the pod list to this multiple of GPU capacity."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """The FGD paper's fragmentation experiment: GPU allocated as the workload arrives.

    The pod list is inflated with random copies to --tune × the cluster's GPU capacity,
    shuffled, and placed pod by pod (no retries, no departures). Reports the allocation
    ratio at each percent of arrived GPU request, and at 100 %.

    Examples:

      suanli sim openb --policy fgd --seed 42 --json

      suanli sim openb --policy all --seeds 42-51
    """
    node_file = nodes or trace_file(OPENB + "openb_node_list_all_node.csv")
    pod_file = pods or trace_file(OPENB + "openb_pod_list_default.csv")
    snapshot = snapshot_from_openb(load_openb_nodes(node_file))
    pod_list = load_openb_pods(pod_file)
    jobs = [(p, s) for p in parse_policies(policy) for s in parse_seeds(seeds or str(seed))]
    runs = _run_all(snapshot, pod_list, jobs, tune)
    if len(runs) == 1:
        report: dict[str, Any] = runs[0].to_dict()
    else:
        report = {"runs": [r.to_dict() for r in runs], "summary": summarize_runs(runs)}
    if as_json:
        emit_json(report)
    else:
        _print_summary(runs)


def _run_all(
    snapshot: Snapshot, pods: list[Pod], jobs: list[tuple[str, int]], tune: float
) -> list[OpenbRun]:
    runs = []
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("replaying openb", total=len(jobs))
        for name, seed in jobs:
            progress.update(task, description=f"{name}, seed {seed}")
            runs.append(run_openb(snapshot, pods, policy=name, seed=seed, tune=tune))
            progress.advance(task)
    return runs


def _print_summary(runs: list[OpenbRun]) -> None:
    rows = [
        [
            name,
            len(s["seeds"]),
            s["alloc_at_100_mean"],
            s["alloc_at_100_sd"],
            round(s["failed_pods_mean"]),  # a mean over seeds, shown in whole pods
            s["seconds_mean"],
        ]
        for name, s in summarize_runs(runs).items()
    ]
    columns = ["policy", "seeds", "alloc % at 100 %", "sd", "failed pods", "seconds/run"]
    out.print(table("GPU allocation when arrived requests reach 100 % of capacity", columns, rows))
