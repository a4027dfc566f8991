import re
from collections import Counter

import pytest

from suanli.errors import DataFileError
from suanli.traces import load_pai_machines

ROW = "7399a758eb02bae1a3621236,CPU,96,512,0\n"


def test_headerless_rows_take_the_documented_columns(write):
    machines = load_pai_machines(write("spec.csv", ROW + "m2,V100M32,96,384,8\n"))
    assert [(m.name, m.gpu_type, m.cpus, m.memory_gb, m.gpus) for m in machines] == [
        ("7399a758eb02bae1a3621236", "CPU", 96, 512, 0),
        ("m2", "V100M32", 96, 384, 8),
    ]


def test_the_header_file_beside_sets_the_column_order(write):
    write("spec.header", "gpu_type,machine,cap_cpu,cap_mem,cap_gpu\n")
    machines = load_pai_machines(write("spec.csv", "T4,m1,64,256,2\n"))
    assert (machines[0].name, machines[0].gpu_type) == ("m1", "T4")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (ROW + "m2,T4,many,256,2\n", 2, "cap_cpu: expected an integer, got 'many'"),
        (ROW + ROW + "m3,T4,64,256\n", 3, "wrong number of columns"),
        (ROW + "m2,T4,64,256,-2\n", 2, "cap_gpu must be >= 0, got -2"),
        (",T4,64,256,2\n", 1, "machine: must not be empty"),
    ],
)
def test_malformed_rows_name_file_and_line(write, rejects, text, line, message):
    assert rejects(load_pai_machines, write("spec.csv", text), line) == message


def test_a_header_file_without_the_columns_is_named(write):
    header = write("spec.header", "machine,gpu,cpu\n")
    message = f"{header}:1: lacks column(s) gpu_type, cap_cpu, cap_mem, cap_gpu"
    with pytest.raises(DataFileError, match=f"^{re.escape(message)}$"):
        load_pai_machines(write("spec.csv", ROW))


@pytest.mark.traces
def test_machine_specs_match_sources_md(trace_dir):
    machines = load_pai_machines(trace_dir / "alibaba-pai-gpu-v2020" / "pai_machine_spec.csv")
    # SOURCES.md says 1,896 machines, but its per-type counts (and the file) add up to 1,897.
    assert len(machines) == 1897
    assert Counter(m.gpu_type for m in machines) == {
        "P100": 798, "T4": 497, "MISC": 280, "V100M32": 135, "V100": 104, "CPU": 83,
    }  # fmt: skip
    gpus_each = {(m.gpu_type, m.gpus) for m in machines}
    assert gpus_each == {
        ("P100", 2),
        ("T4", 2),
        ("MISC", 8),
        ("V100M32", 8),
        ("V100", 8),
        ("CPU", 0),
    }
    assert len({m.name for m in machines}) == 1897
