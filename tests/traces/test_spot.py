from collections import Counter

import pytest

from suanli.traces import load_spot_nodes

HEADER = "gpu_model,gpu_capacity_num,cpu_num,node_name\n"


def test_rows_keep_the_trace_model_names(write):
    nodes = load_spot_nodes(write("nodes.csv", HEADER + "GPU-series-1,4,192,0\nA10,1,128,2\n"))
    assert [(n.node_id, n.gpu_model, n.gpus, n.cpus) for n in nodes] == [
        (0, "GPU-series-1", 4, 192),
        (2, "A10", 1, 128),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            HEADER + "A10,1,128,2\nA10,one,128,3\n",
            3,
            "gpu_capacity_num: expected an integer, got 'one'",
        ),
        (HEADER + "A10,1,128,node-7\n", 2, "node_name: expected an integer, got 'node-7'"),
        (HEADER + ",1,128,2\n", 2, "gpu_model: must not be empty"),
        (HEADER + "A10,1,128,2,extra\n", 2, "wrong number of columns"),
        ("gpu_model,gpus\n", 1, "header lacks column(s) gpu_capacity_num, cpu_num, node_name"),
    ],
)
def test_malformed_rows_name_file_and_line(write, rejects, text, line, message):
    assert rejects(load_spot_nodes, write("nodes.csv", text), line) == message


@pytest.mark.traces
def test_node_list_matches_sources_md(trace_dir):
    nodes = load_spot_nodes(trace_dir / "alibaba-spot-gpu-v2026" / "node_info_df.csv")
    assert len(nodes) == 4278
    gpus: Counter[str] = Counter()
    for node in nodes:
        gpus[node.gpu_model] += node.gpus
    assert gpus == {
        "A100-SXM4-80GB": 3456, "A10": 2494, "H800": 1752,
        "GPU-series-1": 1558, "GPU-series-2": 976, "A800-SXM4-80GB": 176,
    }  # fmt: skip
    machines = Counter(n.gpu_model for n in nodes)
    assert (machines["A100-SXM4-80GB"], machines["H800"]) == (432, 219)
