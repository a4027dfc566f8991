import json

import pytest

from suanli.cli.main import run


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("place")
    net, work = folder / "net.yaml", folder / "w.yaml"
    assert run(["network", "init", "--out", str(net)]) == 0
    assert run(["workload", "generate", "--jobs", "30", "--seed", "4", "--out", str(work)]) == 0
    return net, work


@pytest.mark.parametrize("policy", ["optimal", "greedy"])
def test_place_prints_the_plan_contract(files, capsys, policy):
    net, work = files
    capsys.readouterr()
    argv = ["place", "--network", str(net), "--workload", str(work), "--policy", policy, "--json"]
    assert run(argv) == 0
    report = json.loads(capsys.readouterr().out)
    for key in (
        "placements",
        "replicas",
        "unplaced",
        "objective_yuan",
        "lower_bound_yuan",
        "gap",
        "solve_seconds",
    ):
        assert key in report
    placement = report["placements"][0]
    assert {
        "job",
        "site",
        "pool",
        "gpu_model",
        "gpus",
        "price_yuan_per_gpu_hour",
        "est_cost_yuan",
    } <= placement.keys()
    assert report["lower_bound_yuan"] <= report["objective_yuan"] + 1e-6


def test_place_explains_a_job(files, capsys):
    net, work = files
    capsys.readouterr()
    argv = [
        "place",
        "--network",
        str(net),
        "--workload",
        str(work),
        "--explain",
        "job-00001",
        "--json",
    ]
    assert run(argv) == 0
    explained = json.loads(capsys.readouterr().out)["explain"]
    assert sum(row["chosen"] for row in explained["pools"]) <= 1
    assert all(row["reasons"] for row in explained["pools"])


def test_place_rejects_a_bad_workload_with_file_lines(files, capsys, tmp_path):
    net, _ = files
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: suanli.workload/v1\nname: x\ntraining_jobs:\n  - id: j\n    gpus: -1\n")
    assert run(["place", "--network", str(net), "--workload", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:5: training_jobs[0].gpus: must be >= 1, got -1" in err


@pytest.fixture(scope="module")
def many(tmp_path_factory, files):
    net, _ = files
    work = tmp_path_factory.mktemp("many") / "w.yaml"
    assert run(["workload", "generate", "--jobs", "80", "--seed", "4", "--out", str(work)]) == 0
    return net, work


def test_long_tables_say_how_many_rows_are_shown_and_how_to_see_all(many, capsys):
    net, work = many
    capsys.readouterr()
    assert run(["place", "--network", str(net), "--workload", str(work), "--json"]) == 0
    placements = len(json.loads(capsys.readouterr().out)["placements"])
    assert placements > 20
    assert run(["place", "--network", str(net), "--workload", str(work)]) == 0
    text = capsys.readouterr().out
    assert f"showing 20 of {placements} rows; use --all or --json to see all" in text
    assert run(["place", "--network", str(net), "--workload", str(work), "--all"]) == 0
    text = capsys.readouterr().out
    assert "showing" not in text
    assert text.split("Inference replicas")[0].count("│ job-") == placements


def test_explain_itemises_transfer_apart_from_compute(many, capsys):
    net, work = many
    capsys.readouterr()
    argv = ["place", "--network", str(net), "--workload", str(work), "--explain", "job-00001"]
    assert run([*argv, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["explain"]["pools"]
    for row in rows:
        assert row["compute_yuan"] + row["transfer_yuan"] == pytest.approx(
            row["est_cost_yuan"], abs=0.011
        )
    remote = max(rows, key=lambda r: r["transfer_yuan"])
    assert remote["transfer_yuan"] > 0 and remote["transfer_hours"] > 0
    assert run(argv) == 0
    text = capsys.readouterr().out
    assert "compute yuan" in text and "transfer yuan" in text
    (line,) = [x for x in text.splitlines() if f"│ {remote['pool']} " in x]
    assert f"{remote['compute_yuan']:,.2f}" in line and f"{remote['transfer_yuan']:,.2f}" in line
