import dataclasses

import pytest

from suanli.domain import (
    Fabric,
    GpuPool,
    InferenceService,
    Network,
    Pod,
    Region,
    RegionDemand,
    Site,
    TrainingJob,
    Workload,
)
from suanli.errors import InvalidValueError, SuanliError


def pool(**overrides):
    values = {
        "id": "p",
        "gpu_model": "H100",
        "nodes": 2,
        "gpus_per_node": 8,
        "cpu_milli_per_node": 192000,
        "memory_mib_per_node": 2097152,
        "fabric": Fabric.INFINIBAND,
        "reserve_price_yuan_per_gpu_hour": 12.8,
    }
    return GpuPool(**{**values, **overrides})


def site(id_="s", pools=(), **overrides):
    values = {
        "id": id_,
        "name": id_,
        "city": "Zhongwei",
        "lat": 37.5,
        "lon": 105.2,
        "pools": pools,
        "egress_gbps": 100.0,
        "electricity_yuan_per_kwh": 0.36,
        "pue": 1.2,
    }
    return Site(**{**values, **overrides})


def test_value_objects_are_frozen():
    p = pool()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.nodes = 3  # type: ignore[misc]
    assert dataclasses.replace(p, nodes=3).gpus == 24


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: pool(nodes=-1), "nodes must be > 0"),
        (lambda: pool(reserve_price_yuan_per_gpu_hour=-1.0), "reserve_price"),
        (lambda: site(lat=91.0), "latitude"),
        (lambda: site(lon=-181.0), "longitude"),
        (lambda: site(pue=0.9), "pue"),
        (lambda: site(pools=(pool(), pool())), "duplicate pool id 'p'"),
        (lambda: Region("r", "R", 0, 0, demand_weight=-1), "demand_weight"),
        (lambda: Pod("x", 1000, 1024, num_gpu=2, gpu_milli=500), "whole GPUs"),
        (
            lambda: TrainingJob("j", 8, 80.0, 10.0, 48.0, "r", checkpoint_hours=0.0),
            "checkpoint_hours must be > 0, got 0.0",
        ),
        (
            lambda: TrainingJob("j", 8, 80.0, 10.0, 48.0, "r", on_preempt="retry"),
            "on_preempt must be one of requeue, fail, got 'retry'",
        ),
        (
            lambda: InferenceService("s", 10.0, (), 10, 10, 20.0, -1.0),
            "max_price_yuan_per_h100_decode_hour must be >= 0",
        ),
        (lambda: Pod("x", 1000, 1024, num_gpu=9, gpu_milli=1000), "num_gpu"),
        (lambda: TrainingJob("j", 0, 10.0, 5.0, 24.0, "beijing"), "gpus must be > 0"),
        (
            lambda: InferenceService(
                "s", 10.0, (RegionDemand("a", 1), RegionDemand("a", 2)), 10, 10, 20.0, 5.0
            ),
            "duplicate demand region id 'a'",
        ),
    ],
)
def test_impossible_values_are_rejected_with_a_clear_message(make, message):
    with pytest.raises(InvalidValueError, match=message) as info:
        make()
    assert isinstance(info.value, SuanliError)


def test_network_ids_are_unique_across_sites_and_pools():
    with pytest.raises(InvalidValueError, match="duplicate pool id"):
        Network("n", sites=(site("a", (pool(),)), site("b", (pool(),))), regions=())
    with pytest.raises(InvalidValueError, match="duplicate site id"):
        Network("n", sites=(site("a"), site("a")), regions=())


def test_workload_ids_are_unique_across_jobs_and_services():
    job = TrainingJob("x", 8, 100.0, 10.0, 48.0, "beijing")
    svc = InferenceService("x", 14.0, (RegionDemand("beijing", 3.0),), 1000, 100, 20.0, 5.0)
    with pytest.raises(InvalidValueError, match="duplicate job or service id 'x'"):
        Workload("w", training_jobs=(job,), services=(svc,))


def test_derived_quantities():
    assert TrainingJob("j", 8, 800.0, 10.0, 48.0, "beijing").h100_hours == 100.0
    assert Pod("p", 0, 0, 1, 250).total_gpu_milli == 250
    net = Network("n", sites=(site("a", (pool(),)),), regions=(Region("r", "R", 0, 0),))
    assert net.gpus == 16
    assert net.site("a").is_hub is False
    with pytest.raises(SuanliError, match="unknown site 'zz'; known: a"):
        net.site("zz")


def test_a_training_job_is_reserved_and_requeued_unless_it_says_otherwise():
    job = TrainingJob("j", 8, 800.0, 10.0, 48.0, "beijing")
    assert (job.preemptible, job.checkpoint_hours, job.on_preempt) == (False, 1.0, "requeue")
    spot = dataclasses.replace(job, preemptible=True, checkpoint_hours=0.5, on_preempt="fail")
    assert (spot.preemptible, spot.checkpoint_hours, spot.on_preempt) == (True, 0.5, "fail")
