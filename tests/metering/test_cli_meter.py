"""`suanli meter ...`, run through a local Typer app (cli/main.py registers it separately)."""

from __future__ import annotations

import json
import sys

import pytest
import typer
from typer.testing import CliRunner

from suanli.cli import meter
from suanli.errors import SuanliError

app = typer.Typer()
app.add_typer(meter.app, name="meter")
runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, ["meter", *args], catch_exceptions=True)
    return result


@pytest.mark.parametrize("command", ["ingest", "generate", "audit"])
def test_every_command_has_help_with_an_example(command):
    result = _run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and f"suanli meter {command}" in result.output


def test_generate_ingest_audit_json(tmp_path):
    data, store = tmp_path / "data", tmp_path / "store"
    args = ["--scenario", "mixed", "--gpus", "10", "--hours", "1", "--seed", "2"]
    generated = _run("generate", *args, "--out", str(data), "--json")
    assert generated.exit_code == 0, generated.output
    assert json.loads(generated.stdout)["files"] == 2
    files = [str(p) for p in sorted((data / "metrics").iterdir())]
    ingested = _run("ingest", *files, "--store", str(store), "--json")
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)["gpus"] == 9
    audited = _run(
        "audit",
        "--store",
        str(store),
        "--inventory",
        str(data / "inventory.csv"),
        "--from",
        "2025-07-01T00:00:00Z",
        "--to",
        "1751331600000",
        "--json",
    )
    assert audited.exit_code == 0, audited.output
    report = json.loads(audited.stdout)
    assert report["totals"]["gpus"] == 10
    assert {f["detector"] for g in report["gpus"] for f in g["flags"]} >= {"spinner", "phantom"}
    human = _run("audit", "--store", str(store))
    assert human.exit_code == 0 and "flagged GPUs" in human.stdout


def test_a_malformed_file_fails_with_its_line(tmp_path):
    bad = tmp_path / "bad.prom"
    bad.write_text('DCGM_FI_DEV_POWER_USAGE{UUID="g",site="s"} x 1751328000000\n')
    result = _run("ingest", str(bad), "--store", str(tmp_path / "store"))
    assert isinstance(result.exception, SuanliError)
    assert f"{bad}:1: value is not a number" in str(result.exception)


def test_times_parse_as_iso_or_epoch_ms():
    assert meter.parse_time("1751328000000") == 1_751_328_000_000
    assert meter.parse_time("2025-07-01") == 1_751_328_000_000
    assert meter.parse_time("2025-07-01T08:00:00+08:00") == 1_751_328_000_000
    with pytest.raises(SuanliError, match="ISO 8601"):
        meter.parse_time("yesterday")


def test_exit_code_is_two_through_the_suanli_runner(tmp_path, monkeypatch):
    from suanli.cli import main

    monkeypatch.setattr(main, "app", app)
    assert main.run(["meter", "audit", "--store", str(tmp_path / "none")]) == 2
    assert sys.modules["suanli.cli.meter"] is meter
