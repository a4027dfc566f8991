"""FGD against best fit and first fit on the real openb trace (skipped without the traces)."""

from __future__ import annotations

import numpy as np
import pytest

from suanli.placement.packing import inflate, make_policy, replay, snapshot_from_openb
from suanli.traces import load_openb_nodes, load_openb_pods

SEED = 0


@pytest.mark.traces
def test_fgd_allocates_at_least_as_much_gpu_as_bestfit_and_firstfit(trace_dir):
    folder = trace_dir / "alibaba-openb-gpu-v2023"
    snapshot = snapshot_from_openb(load_openb_nodes(folder / "openb_node_list_gpu_node.csv"))
    pods = load_openb_pods(folder / "openb_pod_list_default.csv")
    capacity = snapshot.gpu_capacity_milli()
    # The default list asks for 98 % of the GPUs: shuffle it, add copies up to 100 %, no departures.
    work = inflate(pods, capacity, 1.0, np.random.default_rng(SEED))
    allocated = {
        name: replay(make_policy(name, workload=pods), snapshot, work).allocated_when_arrived(
            work, capacity
        )
        / capacity
        for name in ("fgd", "bestfit", "firstfit")
    }
    assert allocated["fgd"] >= max(allocated["bestfit"], allocated["firstfit"]), allocated
    assert allocated["fgd"] > 0.9, allocated
