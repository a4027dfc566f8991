import json
import re
import tempfile

import pytest
import typer
from typer.core import TyperOption

from suanli.cli.main import app, run

ROOT = typer.main.get_command(app)


def all_commands(group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group of subcommands
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = sorted(all_commands(ROOT))
GROUPS = [(), ("network",), ("workload",), ("sim",), ("meter",), ("db",), ("admin",)]


def _options(command: tuple[str, ...]) -> tuple[typer.Context, list[TyperOption]]:
    """The options of `command` as the help shows them, `--help` included."""
    found = ROOT
    for name in command:
        found = found.commands[name]
    ctx = typer.Context(found)
    return ctx, [p for p in found.get_params(ctx) if isinstance(p, TyperOption) and not p.hidden]


def _help(command: tuple[str, ...], capsys, monkeypatch, columns: int = 200) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert run([*command, "--help"]) == 0
    return capsys.readouterr().out


def _flat(text: str) -> str:
    """Help text without the panel's borders and line breaks, so wrapped help reads whole."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command, capsys):
    assert run([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Example" in text
    assert "suanli " + " ".join(command) in text


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_every_option_whole_with_its_default(command, capsys, monkeypatch):
    text = _flat(_help(command, capsys, monkeypatch))
    ctx, options = _options(command)
    for option in options:
        assert "[default" not in (option.help or ""), f"{option.name}: use show_default"
        assert " ".join((option.help or "").split()) in text, f"{option.name}: help text cut"
        plain = option.get_help_record(ctx)[1]  # Click's text, with the default Typer computes
        default = re.search(r"\[(?:.*; )?default: (.+?)(?:; .*)?\]$", plain)
        if default:
            assert f"[default: {default[1]}]" in text, f"{option.name}: default not shown"


def test_demo_help_shows_the_defaults_of_out_and_seed(capsys, monkeypatch):
    text = _flat(_help(("demo",), capsys, monkeypatch))
    assert "[default: (a temporary folder, removed at the end)]" in text
    assert "Seed for the network, the workload and the telemetry. [default: 7]" in text


@pytest.mark.parametrize("columns", [200, 60])
@pytest.mark.parametrize("command", [*GROUPS, *COMMANDS], ids=lambda c: " ".join(c) or "suanli")
def test_flags_read_as_flags_in_help(command, columns, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    text = _help(command, capsys, monkeypatch, columns)
    assert "<bool>" not in text
    if columns < 200:
        return
    _, options = _options(command)
    for flag in (o for o in options if o.is_flag):
        (line,) = [x for x in text.splitlines() if re.match(rf"│\s+{flag.opts[0]}\s", x)]
        before_help = line.partition((flag.help or "")[:12])[0]
        assert "<" not in before_help, f"{flag.opts[0]} reads as taking a value: {line}"


def test_network_init_is_deterministic_and_valid(tmp_path, capsys):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert run(["network", "init", "--preset", "china", "--out", str(a)]) == 0
    capsys.readouterr()
    assert run(["network", "init", "--preset", "china", "--out", str(b), "--json"]) == 0
    assert a.read_bytes() == b.read_bytes()
    summary = json.loads(capsys.readouterr().out)
    assert summary["sites"] == 37
    assert run(["network", "validate", str(a)]) == 0


def test_network_show_json_reports_capacity_and_latency(tmp_path, capsys):
    net = tmp_path / "net.json"
    assert run(["network", "init", "--out", str(net)]) == 0
    capsys.readouterr()
    assert run(["network", "show", str(net), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    by_hub = report["gpus_by_hub_and_model"]
    assert sum(sum(row.values()) for row in by_hub.values()) == report["gpus"]
    assert len(by_hub) == 9  # 8 national hubs + metro edge
    assert report["latency"]["min_rtt_ms"] >= 1.0


def test_workload_generate_same_seed_same_bytes(tmp_path, capsys):
    files = [tmp_path / f"w{i}.yaml" for i in range(3)]
    for f, seed in zip(files, (5, 5, 6), strict=True):
        args = ["workload", "generate", "--jobs", "50", "--seed", str(seed), "--out", str(f)]
        assert run(args) == 0
    assert files[0].read_bytes() == files[1].read_bytes()
    assert files[0].read_bytes() != files[2].read_bytes()
    assert run(["workload", "validate", str(files[0])]) == 0
    assert run(["workload", "show", str(files[0]), "--json"]) == 0


def test_validation_errors_exit_2_with_lines_and_no_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: suanli.network/v1\nname: x\nregions: []\nsites:\n  - id: 3\n")
    assert run(["network", "validate", str(bad)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert lines and all(line.startswith(f"{bad}:") for line in lines)


def test_validate_json_lists_problems(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: suanli.network/v1\nname: x\nregions: []\nsites: []\nfoo: 1\n")
    assert run(["network", "validate", str(bad), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {"line": 5, "field": "foo"}.items() <= report["problems"][0].items()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["network", "show", "nowhere.yaml"], "nowhere.yaml"),
        (["network", "init", "--preset", "mars", "--out", "x.yaml"], "unknown network preset"),
        (["workload", "generate", "--preset", "x", "--out", "w.yaml"], "unknown"),
        (["workload", "generate", "--jobs", "0", "--out", "w.yaml"], "jobs"),
        (["schema", "nothing"], "unknown schema"),
        (["network", "frobnicate"], "No such command"),
    ],
)
def test_user_mistakes_get_a_message_and_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_schema_prints_a_json_schema(capsys):
    assert run(["schema", "network"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")


STEPS = (
    "1. The network and the workload",
    "2. Placement",
    "3. The exchange",
    "4. The audit behind the bill",
    "5. A short simulation",
    "Try next",
)


def test_demo_runs_the_main_job_and_leaves_no_temporary_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run(["demo", "--jobs", "40"]) == 0
    text = capsys.readouterr().out
    places = [text.find(step) for step in STEPS]
    assert -1 not in places and places == sorted(places), places
    assert "completed and billed (certified)" in text and "the ledger sums to 0.00" in text
    assert "The temporary files were removed" in text
    assert list(tmp_path.iterdir()) == []


def _comparable(report: dict) -> dict:
    """The report without where its files were and how long the solver took (anywhere)."""
    text = json.dumps(report).replace(report["folder"], "FOLDER")
    return json.loads(re.sub(r'"solve_seconds": [0-9.e-]+', '"solve_seconds": 0', text))


def test_demo_keeps_its_files_with_out_and_tells_the_same_story_each_time(tmp_path, capsys):
    reports = []
    for name in ("a", "b"):
        assert run(["demo", "--out", str(tmp_path / name), "--jobs", "40", "--json"]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    kept = {p.name for p in (tmp_path / "a").iterdir()}
    assert {"network.yaml", "workload.yaml", "exchange.db", "telemetry"} <= kept
    assert _comparable(reports[0]) == _comparable(reports[1])
    story = reports[0]["exchange"]
    bill, (line,) = story["bill"], story["quote"]["lines"]
    certified = bill["audit"]["certified_gpu_hours"]
    assert certified == pytest.approx(line["gpus"] * story["telemetry"]["busy_hours"], rel=0.01)
    charged = round(certified * line["price_yuan_per_gpu_hour"], 2)
    assert bill["charged_yuan"] == pytest.approx(charged, abs=0.01)
    assert bill["refunded_yuan"] == pytest.approx(line["cost_yuan"] - charged, abs=0.01)
    assert story["buyer_balances"]["wallet_yuan"] == pytest.approx(
        story["top_up_yuan"] - bill["charged_yuan"]
    )
    assert story["postings_total_yuan"] == 0


def test_meter_audit_says_when_a_table_is_cut(tmp_path, capsys):
    tele, store = tmp_path / "tele", tmp_path / "store"
    argv = ["meter", "generate", "--scenario", "mixed", "--gpus", "48", "--hours", "1"]
    assert run([*argv, "--seed", "1", "--out", str(tele)]) == 0
    assert (
        run(["meter", "ingest", *map(str, (tele / "metrics").iterdir()), "--store", str(store)])
        == 0
    )
    capsys.readouterr()
    assert run(["meter", "audit", "--store", str(store), "--json", "--no-intervals"]) == 0
    jobs = len(json.loads(capsys.readouterr().out)["jobs"])
    assert jobs > 20
    assert run(["meter", "audit", "--store", str(store)]) == 0
    text = capsys.readouterr().out
    assert f"jobs ({jobs}, most certified first)" in text
    assert f"showing 20 of {jobs} rows; use --all or --json to see all" in text
    assert run(["meter", "audit", "--store", str(store), "--all"]) == 0
    assert "showing" not in capsys.readouterr().out
