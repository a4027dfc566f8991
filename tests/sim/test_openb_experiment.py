import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suanli.cli.main import run
from suanli.cli.sim import parse_seeds
from suanli.domain import Pod
from suanli.errors import InvalidValueError
from suanli.placement.packing import POLICIES, snapshot_from_openb
from suanli.sim.openb import run_openb, tune_pods
from suanli.traces import OpenbNode

NODES = [OpenbNode(f"n{i}", 32_000, 131_072, gpus, "T4") for i, gpus in enumerate([1, 2, 4, 8])]
pods = st.lists(
    st.builds(
        lambda i, g, m: Pod(f"p{i}", 1000, 1024, g, m if g == 1 else 1000),
        st.integers(0, 10_000),
        st.sampled_from([0, 1, 1, 1, 2, 4]),
        st.integers(1, 1000),
    ),
    min_size=1,
    max_size=30,
).filter(lambda ps: any(p.total_gpu_milli for p in ps))


@settings(max_examples=30, deadline=None)
@given(pods=pods, policy=st.sampled_from(sorted(POLICIES)), seed=st.integers(0, 99))
def test_allocation_never_exceeds_capacity_and_arrivals_only_grow(pods, policy, seed):
    result = run_openb(snapshot_from_openb(NODES), pods, policy=policy, seed=seed, tune=1.3)
    arrived = [c.arrived_pct for c in result.curve]
    allocated = [c.allocated_pct for c in result.curve]
    assert arrived == list(range(1, len(arrived) + 1))
    assert allocated == sorted(allocated)
    assert all(0 <= a <= 100 for a in allocated)
    assert 0 <= result.failed_pods <= result.pods


def test_tuning_stops_before_passing_the_target_and_is_seeded():
    pods = [Pod(f"p{i}", 1000, 1024, 1, 500) for i in range(4)]
    tuned = tune_pods(pods, capacity_milli=10_000, tune=1.3, rng=np.random.default_rng(1))
    assert sum(p.total_gpu_milli for p in tuned) == 13_000  # 26 pods of 500 reach 13,000 exactly
    assert len({p.id for p in tuned}) == len(tuned)
    again = tune_pods(pods, capacity_milli=10_000, tune=1.3, rng=np.random.default_rng(1))
    assert [p.id for p in tuned] == [p.id for p in again]
    with pytest.raises(InvalidValueError, match="tune"):
        tune_pods(pods, 10_000, 0.0, np.random.default_rng(1))


@pytest.mark.parametrize(
    ("text", "seeds"), [("42", [42]), ("42-44", [42, 43, 44]), ("1,5", [1, 5])]
)
def test_seed_lists(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["x", "9-3", "1,,2"])
def test_bad_seed_lists_say_how_to_write_them(text):
    with pytest.raises(InvalidValueError, match="42-51"):
        parse_seeds(text)


@pytest.mark.traces
def test_openb_experiment_on_the_trace(trace_dir, capsys):
    openb = trace_dir / "alibaba-openb-gpu-v2023"
    argv = [
        "sim",
        "openb",
        "--nodes",
        str(openb / "openb_node_list_all_node.csv"),
        "--pods",
        str(openb / "openb_pod_list_default.csv"),
        "--policy",
        "fgd",
        "--seed",
        "42",
        "--json",
    ]
    assert run(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["policy"] == "fgd"
    assert len(result["curve"]) >= 129  # tuned to 130 % of capacity
    assert 90 < result["alloc_at_100"] < 100
    assert result["curve"][99]["arrived_pct"] == 100


def test_summary_prints_failed_pods_as_whole_pods(tmp_path, capsys):
    nodes, pods = tmp_path / "nodes.csv", tmp_path / "pods.csv"
    nodes.write_text("sn,cpu_milli,memory_mib,gpu,model\nn0,32000,131072,2,T4\n")
    header = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
    header += "creation_time,deletion_time,scheduled_time\n"
    rows = "".join(f"p{i},1000,1024,1,700,,LS,Running,{i},{i + 99},{i}\n" for i in range(5))
    pods.write_text(header + rows)
    argv = ["sim", "openb", "--nodes", str(nodes), "--pods", str(pods), "--seeds", "1-3"]
    assert run([*argv, "--json"]) == 0
    failed = json.loads(capsys.readouterr().out)["summary"]["fgd"]["failed_pods_mean"]
    assert run(argv) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith("│ fgd")]
    cells = [c.strip() for c in line.strip("│").split("│")]
    assert cells[4] == str(round(failed))  # a count, not "1.00"
