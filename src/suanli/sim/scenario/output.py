"""Write a run's files into its output folder.

- `result.json`: the resolved scenario, summary, per-step and per-site figures (what `--json`
  prints; no wall time, so equal runs give equal bytes);
- `timeseries.csv` and `sites.csv`: the same rows as CSV (empty cells for missing values);
- `scenario.yaml`: the resolved scenario, every default written out; it runs again as is;
- `utilization.png` and `utilization.html`: utilization over time per site class and overall
  (`plots`; the HTML embeds plotly's JS, so it opens offline).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from suanli.formats import dumps_yaml
from suanli.sim.scenario.plots import write_html, write_png
from suanli.sim.scenario.runner import ScenarioResult

FILES = (
    "result.json",
    "timeseries.csv",
    "sites.csv",
    "scenario.yaml",
    "utilization.png",
    "utilization.html",
)


def result_json(result: ScenarioResult) -> str:
    """The text of `result.json`."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_outputs(result: ScenarioResult, out_dir: Path) -> list[Path]:
    """Every file of the module docstring in `out_dir` (created if missing), in `FILES` order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in FILES]
    json_file, steps, sites, scenario, png, html = paths
    json_file.write_text(result_json(result), encoding="utf-8", newline="\n")
    write_csv(steps, result.timeseries)
    write_csv(sites, result.sites)
    scenario.write_text(dumps_yaml(result.scenario), encoding="utf-8", newline="\n")
    write_png(result, png)
    write_html(result, html)
    return paths


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    """Rows with the same keys as CSV; None becomes an empty cell."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        if rows:
            writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow(["" if v is None else v for v in row.values()])
