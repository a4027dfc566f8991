from collections import Counter

import pytest

from suanli.traces import load_dlrm_instances

HEADER = (
    "instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,"
    "rdma_limit,memory_request,memory_limit,disk_request,disk_limit,max_instance_per_node,"
    "creation_time,scheduled_time,deletion_time\n"
)
BEFORE_START = "instance_0,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,\n"
IN_WINDOW = "instance_1,CN,app_93,64,64,0,0,1,1,320.0,320.0,340.0,400.0,-1,2676571.0,2676571.0,\n"


def test_empty_times_are_none_and_minus_one_is_no_cap(write):
    hn, cn = load_dlrm_instances(write("dlrm.csv", HEADER + BEFORE_START + IN_WINDOW))
    assert (hn.role, hn.app, hn.request.gpus, hn.request.rdma_pct) == ("HN", "app_0", 1, 25)
    assert (hn.request.disk_gib, hn.limit.disk_gib) == (640.0, 800.0)
    assert hn.max_per_node == 8 and hn.times == (None, None, None)
    assert cn.max_per_node is None
    assert cn.times == (2676571.0, 2676571.0, None)  # still running at the trace's end


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (IN_WINDOW.replace(",CN,", ",XN,"), "role must be CN or HN, got 'XN'"),
        (IN_WINDOW.replace(",-1,", ",0,"), "max_instance_per_node must be > 0 or -1, got 0"),
        (IN_WINDOW.replace(",320.0,320.0,", ",320.0,lots,"), "memory_limit: expected a number"),
        (IN_WINDOW.replace(",320.0,320.0,", ",nan,320.0,"), "memory_request: expected a number"),
        (IN_WINDOW.replace("2676571.0,2676571.0,", "2676571.0,x,"), "scheduled_time: expected"),
        (IN_WINDOW.replace("2676571.0,2676571.0,", "-5,1,"), "creation_time must be >= 0"),
        (IN_WINDOW.replace(",64,64,", ",-64,64,"), "cpus must be >= 0, got -64"),
    ],
)
def test_malformed_rows_name_file_and_line(write, rejects, row, message):
    path = write("dlrm.csv", HEADER + BEFORE_START + IN_WINDOW + row)
    assert rejects(load_dlrm_instances, path, 4).startswith(message)


@pytest.mark.traces
def test_trace_matches_sources_md(trace_dir):
    instances = load_dlrm_instances(
        trace_dir / "alibaba-dlrm-gpu-v2025" / "disaggregated_DLRM_trace.csv"
    )
    assert len(instances) == 23871
    assert Counter(i.role for i in instances) == {"CN": 16485, "HN": 7386}
    assert len({i.app for i in instances}) == 156
    assert all((i.request.gpus == 1) == (i.role == "HN") for i in instances)
    assert sum(i.created_s is None for i in instances) == 7280  # created before the trace start
    assert sum(i.deleted_s is None for i in instances) == 8878  # still alive at its end
