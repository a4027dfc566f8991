"""`suanli sim run`: the command writes its files and prints result.json with --json.

The command is registered in the `sim` group by cli/main.py; here it runs in a Typer app of its
own so that it is tested whether or not the group has it yet.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from test_scenario_samples import TINY, edit
from typer.testing import CliRunner

from suanli.cli.main import run
from suanli.cli.sim_run import run_scenario_command
from suanli.errors import InvalidFileError
from suanli.sim.scenario import FILES

app = typer.Typer()
app.command(name="run")(run_scenario_command)


@app.callback()
def _group() -> None:
    """A group, so that `run` is a subcommand as under `suanli sim`."""


def test_json_output_is_the_result_file(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(scenario), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert result.stdout == (out / "result.json").read_text(encoding="utf-8")


def test_a_shipped_name_runs_for_the_hours_asked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["run", "outage", "--hours", "3", "--out", str(out), "--log-events"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "utilization_near_demand" in result.stdout
    assert (out / "events.jsonl").read_text(encoding="utf-8").count("\n") > 10


def test_a_bad_file_raises_its_problems_for_the_cli_to_print(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(edit(TINY, ("duration_hours: 12", "duration_hours: 0")), "utf-8")
    result = CliRunner().invoke(app, ["run", str(scenario)])
    assert isinstance(result.exception, InvalidFileError)
    assert str(result.exception) == f"{scenario}:4: duration_hours: must be > 0, got 0"


def test_help_has_examples() -> None:
    result = CliRunner().invoke(app, ["run", "--help"])
    assert result.exit_code == 0 and "Example" in result.stdout


def test_an_unknown_name_lists_the_shipped_scenarios(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["sim", "run", "inference-shfit"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: unknown shipped scenario 'inference-shfit'; known: training-boom, "
        "inference-shift, outage, trace-replay, price-fall\n"
    )


def test_the_headline_reads_as_figures(tmp_path: Path, capsys) -> None:
    assert run(["sim", "run", "outage", "--hours", "3", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    cells = dict([c.strip() for c in x.strip("│").split("│")] for x in lines if x.startswith("│ "))
    assert cells["hours"] == "3"
    assert cells["utilization"].endswith("%")
    assert cells["jobs_finished"].replace(",", "").isdigit()


def test_compare_shows_each_pricing_mode_side_by_side(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["sim", "compare", "outage", "--hours", "3", "--pricing", "fixed,auction", "--json"]
    assert run(args) == 0
    figures = json.loads(capsys.readouterr().out)
    assert list(figures) == ["fixed", "auction"]
    assert figures["fixed"]["pricing"] == "fixed" and figures["auction"]["pricing"] == "auction"
    assert figures["fixed"]["revenue_yuan"] > 0


def test_an_unknown_pricing_mode_is_refused_before_anything_runs(capsys) -> None:
    assert run(["sim", "compare", "outage", "--pricing", "fixed,bidding"]) == 2
    assert "--pricing takes one of fixed, posted, auction; got 'bidding'" in capsys.readouterr().err
