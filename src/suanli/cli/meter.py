"""`suanli meter ...`: ingest GPU telemetry, generate labelled test telemetry, audit GPU-hours."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from suanli.cli.output import SHOWN_ROWS, emit_json, err, out, table
from suanli.errors import InvalidValueError
from suanli.metering.audit import audit as run_audit
from suanli.metering.exposition import ParseOptions
from suanli.metering.generator import SCENARIOS
from suanli.metering.generator import generate as run_generate
from suanli.metering.ingest import ingest as run_ingest

app = typer.Typer(
    help="Meter GPU telemetry: ingest dcgm-exporter output, generate labelled test data, audit "
    "which GPU-hours were real work.",
    no_args_is_help=True,
)

JSON = typer.Option(False, "--json", help="Print one JSON object on stdout instead of tables.")
STORE = typer.Option(..., "--store", help="The telemetry store directory (created if absent).")


def parse_time(text: str) -> int:
    """Epoch milliseconds from epoch ms digits or ISO 8601 (a date, or a time; UTC unless an
    offset is given)."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(
            f"time {text!r}: use ISO 8601 (2025-07-01, 2025-07-01T08:00:00+08:00) or epoch ms"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


@contextmanager
def _progress(label: str, total: int) -> Iterator[Any]:
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        yield progress, progress.add_task(label, total=total)


@app.command()
def ingest(
    files: list[Path] = typer.Argument(..., help="Telemetry files: .prom/.txt/.om text or .csv."),
    store: Path = STORE,
    site: str | None = typer.Option(None, help="Site of samples that carry no site label."),
    at: str | None = typer.Option(
        None, help="Scrape time for samples without a timestamp (ISO 8601 or epoch ms)."
    ),
    as_json: bool = JSON,
) -> None:
    """Parse telemetry files and store them as one batch: all of it, or nothing.

    Reads dcgm-exporter output (Prometheus text 0.0.4 or OpenMetrics 1.0) and the CSV form; a
    malformed line stops the batch with FILE:LINE: message and stores nothing.

    Example:

      suanli meter ingest metrics/*.prom --store telemetry/

      suanli meter ingest scrape.txt --store telemetry/ --site zhongwei-1 --at 2025-07-01T08:00Z
    """
    options = ParseOptions(site=site, default_ts_ms=parse_time(at) if at else None)
    with _progress("parsing", len(files)) as (bar, task):
        report = run_ingest(files, store, options, lambda i, n, p: bar.update(task, completed=i))
    if as_json:
        emit_json(report.to_dict())
        return
    rows = [
        [
            f.file,
            f.format,
            f.samples,
            f.stored,
            f.dropped_blank + f.dropped_out_of_range,
            sum(f.ignored_names.values()),
        ]
        for f in report.files
    ]
    out.print(table("files", ["file", "format", "samples", "stored", "dropped", "ignored"], rows))
    out.print(
        f"stored {report.samples:,} samples ({report.rows:,} rows) of {report.gpus} GPUs at "
        f"{', '.join(report.sites) or 'no site'} in {len(report.partitions)} partitions of "
        f"{store} (batch {report.batch})"
    )


@app.command()
def generate(
    scenario: str = typer.Option(..., help=f"One of: {', '.join(SCENARIOS)}."),
    gpus: int = typer.Option(..., help="Number of GPUs (8 per node)."),
    hours: float = typer.Option(..., help="Hours of telemetry."),
    seed: int = typer.Option(..., help="Seed; the same seed gives the same files, byte for byte."),
    out_dir: Path = typer.Option(..., "--out", help="Output directory."),
    resolution: int = typer.Option(30, help="Seconds between scrapes (must divide 300)."),
    site: str = typer.Option("zhongwei-1", help="Site label of the generated GPUs."),
    model: str = typer.Option("H100", help="GPU model (catalog name); sets the power levels."),
    as_json: bool = JSON,
) -> None:
    """Write labelled dcgm-exporter telemetry for one pattern, or all of them (mixed).

    Patterns: training, inference-decode, idle-held, spinner, loadgen, replay, phantom, gaps;
    mixed assigns them round-robin and mixes exporter dialects. Writes metrics/*.prom|.om,
    labels.json (the class every GPU-window should get) and inventory.csv.

    Example:

      suanli meter generate --scenario mixed --gpus 40 --hours 6 --seed 7 --out demo/
    """
    with _progress("generating", 1) as (bar, task):
        report = run_generate(
            scenario,
            gpus,
            hours,
            seed,
            out_dir,
            resolution,
            progress=lambda i, n: bar.update(task, completed=i, total=n),
            site=site,
            model=model,
        )
    if as_json:
        emit_json(report.to_dict())
        return
    summary = report.to_dict()
    out.print(
        f"wrote {summary['files']} files with {summary['sample_lines']:,} samples for {gpus} "
        f"GPUs over {hours:g} h to {out_dir}; truth in {summary['labels']}, inventory in "
        f"{summary['inventory']}"
    )


@app.command()
def audit(
    store: Path = STORE,
    site: str | None = typer.Option(None, help="Audit one site only."),
    start: str | None = typer.Option(None, "--from", help="Start (ISO 8601 or epoch ms)."),
    end: str | None = typer.Option(None, "--to", help="End, exclusive (ISO 8601 or epoch ms)."),
    inventory: Path | None = typer.Option(
        None, help="CSV of the GPUs each site bills for (site,gpu_uuid[,node,model]): phantoms."
    ),
    policy: Path | None = typer.Option(
        None, help="Audit policy YAML.", show_default="the packaged audit-policy-v1"
    ),
    intervals: bool = typer.Option(
        True, help="Include every interval with its evidence in the JSON output."
    ),
    show_all: bool = typer.Option(
        False, "--all", help=f"List every row; tables show the first {SHOWN_ROWS} otherwise."
    ),
    as_json: bool = JSON,
) -> None:
    """Classify every GPU-interval as productive, low_efficiency, idle, suspicious or missing,
    with the evidence that decided it, and total the certified GPU-hours per GPU, site and job.

    Example:

      suanli meter audit --store telemetry/ --json

      suanli meter audit --store telemetry/ --inventory inventory.csv

      suanli meter audit --store telemetry/ --site zhongwei-1 --from 2025-07-01 --to 2025-07-02

      suanli meter audit --store telemetry/ --all
    """
    span = (parse_time(start) if start else None, parse_time(end) if end else None)
    with err.status("auditing: rollups, detectors, report"):
        report = run_audit(
            store, site, *span, policy=policy, inventory=inventory, intervals=intervals and as_json
        )
    if as_json:
        emit_json(report)
        return
    print_audit(report, limit=None if show_all else SHOWN_ROWS)


CLASSES = ["productive", "low_efficiency", "idle", "suspicious", "missing"]


def print_audit(report: dict[str, Any], limit: int | None = SHOWN_ROWS) -> None:
    """The audit as three tables: sites, flagged GPUs, jobs (the first `limit` of each)."""
    title = f"audit {report['from']} – {report['to']} ({report['policy']['version']})"
    head = ["site", "GPUs", "flagged", "observed h", "certified h", *CLASSES]
    out.print(table(title, head, [_site_row(s) for s in report["sites"]]))
    flagged = [g for g in report["gpus"] if any(f["class"] for f in g["flags"])]
    rows = [_flag_row(g) for g in flagged]
    title = f"flagged GPUs ({len(flagged)})"
    out.print(table(title, ["GPU", "node", "certified h", "flags"], rows, limit))
    jobs = sorted(report["jobs"], key=lambda j: -j["certified_gpu_hours"])
    rows = [
        [j["job"] or "(none)", j["site"], j["gpus"], j["hours_observed"], j["certified_gpu_hours"]]
        for j in jobs
    ]
    columns = ["job", "site", "GPUs", "observed h", "certified h"]
    out.print(table(f"jobs ({len(jobs)}, most certified first)", columns, rows, limit))


def _site_row(s: dict[str, Any]) -> list[Any]:
    counts = [s["hours_by_class"][c] for c in CLASSES]
    return [
        s["site"],
        s["gpus"],
        s["flagged_gpus"],
        s["hours_observed"],
        s["certified_gpu_hours"],
        *counts,
    ]


def _flag_row(gpu: dict[str, Any]) -> list[Any]:
    flags = ", ".join(f"{f['detector']} {f['hours']:g} h" for f in gpu["flags"] if f["class"])
    return [gpu["gpu_uuid"], gpu["node"], gpu["certified_gpu_hours"], flags]
