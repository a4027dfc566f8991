from pathlib import Path

import pytest

from suanli.errors import DataFileError
from suanli.traces import load_openb_nodes, load_openb_pods, trace_file

NODES_HEADER = "sn,cpu_milli,memory_mib,gpu,model\n"
PODS_HEADER = (
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
    "deletion_time,scheduled_time\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "trace.csv"
    path.write_text(text)
    return path


def test_nodes_and_pods_parse(tmp_path):
    nodes = load_openb_nodes(
        write(tmp_path, NODES_HEADER + "n0,64000,262144,2,P100\nn1,96000,1,0,\n")
    )
    assert [(n.name, n.gpus, n.model) for n in nodes] == [("n0", 2, "P100"), ("n1", 0, "")]
    pods = load_openb_pods(
        write(tmp_path, PODS_HEADER + "p0,6000,12288,1,460,V100M16|V100M32,LS,Running,0,9,0\n")
    )
    assert pods[0].gpu_milli == 460
    assert pods[0].allowed_gpu_models == ("V100M16", "V100M32")


def test_five_column_multigpu_pods(tmp_path):
    pods = load_openb_pods(
        write(tmp_path, "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1,2,8,1000\n")
    )
    assert pods[0].num_gpu == 8
    assert pods[0].allowed_gpu_models == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            NODES_HEADER + "n0,64000,262144,2,P100\nn1,lots,1,0,\n",
            r"trace.csv:3: cpu_milli: expected an integer, got 'lots'",
        ),
        (NODES_HEADER + "n0,64000,262144,-2,P100\n", r"trace.csv:2: gpu must be >= 0"),
        (NODES_HEADER + "n0,64000\n", r"trace.csv:2: wrong number of columns"),
        (
            "sn,cpu,memory\n",
            r"trace.csv:1: header lacks column\(s\) cpu_milli, memory_mib, gpu, model",
        ),
    ],
)
def test_malformed_node_rows_name_file_and_line(tmp_path, text, message):
    with pytest.raises(DataFileError, match=message):
        load_openb_nodes(write(tmp_path, text))


def test_malformed_pod_row_names_file_and_line(tmp_path):
    text = PODS_HEADER + "p0,6000,12288,2,500,,LS,Running,0,9,0\n"
    with pytest.raises(DataFileError, match=r"trace.csv:2: a pod with 2 GPUs must use whole GPUs"):
        load_openb_pods(write(tmp_path, text))


def test_missing_trace_file_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("SUANLI_TRACE_DIR", str(tmp_path))
    with pytest.raises(DataFileError, match="set SUANLI_TRACE_DIR"):
        trace_file("alibaba-openb-gpu-v2023/openb_node_list_gpu_node.csv")
    with pytest.raises(DataFileError, match="cannot read"):
        load_openb_nodes(tmp_path / "absent.csv")


@pytest.mark.traces
@pytest.mark.parametrize(
    ("name", "rows"),
    [("default", 8152), ("multigpu50", 9061), ("gpuspec33", 8152), ("cpu300", 10094)],
)
def test_every_pod_list_variant_loads(trace_dir, name, rows):
    pods = load_openb_pods(trace_dir / "alibaba-openb-gpu-v2023" / f"openb_pod_list_{name}.csv")
    assert len(pods) == rows


@pytest.mark.traces
def test_node_list_matches_sources_md(trace_dir):
    nodes = load_openb_nodes(trace_dir / "alibaba-openb-gpu-v2023" / "openb_node_list_all_node.csv")
    assert len(nodes) == 1523
    assert sum(n.gpus for n in nodes) == 6212
    assert sum(1 for n in nodes if n.gpus == 0) == 310
