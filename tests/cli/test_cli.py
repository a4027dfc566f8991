import json

import pytest
import typer

from suanli.cli.main import app, run


def all_commands(group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group of subcommands
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = sorted(all_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command, capsys):
    assert run([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Example" in text
    assert "suanli " + " ".join(command) in text


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


def test_demo_writes_its_files_and_reports(tmp_path, capsys):
    assert run(["demo", "--out", str(tmp_path), "--jobs", "40", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["network"]["sites"] == 37
    assert (tmp_path / "network.yaml").is_file()
    assert (tmp_path / "workload.yaml").is_file()
    assert run(["demo", "--out", str(tmp_path / "human"), "--jobs", "40"]) == 0
    assert "Try next" in capsys.readouterr().out
