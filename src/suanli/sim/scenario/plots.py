"""Utilization over time, overall and per site class: a PNG (matplotlib, no display needed) and a
self-contained HTML page (plotly with its JS embedded: machines may be offline)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from suanli.sim.scenario.setup import SITE_CLASSES

if TYPE_CHECKING:
    from suanli.sim.scenario.runner import ScenarioResult

SERIES = ("utilization", *(f"utilization_{c}" for c in SITE_CLASSES))
LABELS = {"utilization": "overall", **{f"utilization_{c}": c for c in SITE_CLASSES}}
TITLE = "GPU utilization over time: {name}"
Y_LABEL = "busy GPU-hours / online GPU-hours"


def _series(result: ScenarioResult) -> tuple[list[float], dict[str, list[float | None]]]:
    hours = [float(row["hour"]) for row in result.timeseries]
    return hours, {key: [row[key] for row in result.timeseries] for key in SERIES}


def write_png(result: ScenarioResult, path: Path) -> None:
    hours, series = _series(result)
    fig = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for key, values in series.items():
        ys = [float("nan") if v is None else v for v in values]
        ax.plot(hours, ys, label=LABELS[key], linewidth=2.4 if key == "utilization" else 1.4)
    ax.set(title=TITLE.format(name=result.scenario["name"]), xlabel="hour", ylabel=Y_LABEL)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})


def write_html(result: ScenarioResult, path: Path) -> None:
    import plotly.graph_objects as go  # type: ignore[import-untyped]  # slow to load: only here

    hours, series = _series(result)
    fig = go.Figure()
    for key, values in series.items():
        width = 3 if key == "utilization" else 1.5
        fig.add_trace(go.Scatter(x=hours, y=values, name=LABELS[key], line={"width": width}))
    fig.update_layout(
        title=TITLE.format(name=result.scenario["name"]),
        xaxis_title="hour",
        yaxis={"title": Y_LABEL, "range": [0, 1]},
        template="plotly_white",
    )
    fig.write_html(path, include_plotlyjs=True, full_html=True)
