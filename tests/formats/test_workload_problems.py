"""Each kind of problem in a workload file, at its exact line and field."""

from __future__ import annotations

from .conftest import Check


def test_the_sample_is_valid(check_workload: Check) -> None:
    assert check_workload() == []


def test_missing_required_field(check_workload: Check) -> None:
    assert check_workload(("    gpus: 8\n", "")) == [
        "F:4: training_jobs[0].gpus: missing required field 'gpus'"
    ]


def test_unknown_field_with_a_guess(check_workload: Check) -> None:
    missing, unknown = check_workload(("    gpus: 8", "    gpu: 8"))
    assert missing == "F:4: training_jobs[0].gpus: missing required field 'gpus'"
    assert unknown == (
        "F:5: training_jobs[0].gpu: unknown field 'gpu' (did you mean 'gpus'?); allowed: id, gpus, "
        "work_h100_gpu_hours, max_price_yuan_per_gpu_hour, deadline_hours, data_region, "
        "data_size_gb, allowed_gpu_models, submit_hour, preemptible, checkpoint_hours, on_preempt"
    )


def test_wrong_type(check_workload: Check) -> None:
    assert check_workload(("deadline_hours: 72.0", "deadline_hours: soon")) == [
        "F:8: training_jobs[0].deadline_hours: must be a number, got 'soon'"
    ]


def test_negative_count(check_workload: Check) -> None:
    assert check_workload(("    gpus: 8", "    gpus: -4")) == [
        "F:5: training_jobs[0].gpus: must be >= 1, got -4"
    ]


def test_unknown_gpu_model_in_allowed_list(check_workload: Check) -> None:
    [line] = check_workload(("[H100, H800]", "[H100, H900]"))
    assert line.startswith("F:11: training_jobs[0].allowed_gpu_models[1]: unknown GPU model 'H900'")


def test_duplicate_id_across_jobs_and_services(check_workload: Check) -> None:
    assert check_workload(("id: svc-00001", "id: job-00001")) == [
        "F:13: inference_services[0].id: duplicate job or service id 'job-00001' "
        "(first on line 4); rename one"
    ]


def test_duplicate_pod_id(check_workload: Check) -> None:
    assert check_workload(("id: openb-pod-0002", "id: openb-pod-0001")) == [
        "F:22: pods[1].id: duplicate pod id 'openb-pod-0001' (first on line 21); rename one"
    ]


def test_multi_gpu_pod_must_use_whole_gpus(check_workload: Check) -> None:
    assert check_workload(("num_gpu: 2, gpu_milli: 1000", "num_gpu: 2, gpu_milli: 500")) == [
        "F:22: pods[1].gpu_milli: a pod with 2 GPUs must use whole GPUs: set gpu_milli to 1000 "
        "(got 500); only single-GPU pods may share a GPU"
    ]


def test_pod_gpu_count_out_of_range(check_workload: Check) -> None:
    assert check_workload(("num_gpu: 2", "num_gpu: 9")) == [
        "F:22: pods[1].num_gpu: must be within 0..8, got 9"
    ]


def test_unknown_regions_when_a_network_is_given(check_workload: Check) -> None:
    has = "network 'test-net' has: beijing, shanghai"
    assert check_workload(
        ("data_region: shanghai", "data_region: lhasa"), ("beijing:", "tokyo:")
    ) == [
        f"F:9: training_jobs[0].data_region: unknown region 'lhasa'; {has}",
        f"F:15: inference_services[0].demand_rps.tokyo: unknown region 'tokyo'; {has}",
    ]


def test_regions_are_not_checked_without_a_network(check_workload: Check) -> None:
    assert check_workload(("data_region: shanghai", "data_region: lhasa"), network=None) == []


def test_negative_demand(check_workload: Check) -> None:
    assert check_workload(("shanghai: 8.0", "shanghai: -8.0")) == [
        "F:15: inference_services[0].demand_rps.shanghai: must be >= 0, got -8.0"
    ]


def test_region_key_that_is_not_text(check_workload: Check) -> None:
    assert check_workload(("beijing: 12.5", "2024: 12.5"), network=None) == [
        "F:15: inference_services[0].demand_rps: key 2024 must be a string; put it in quotes"
    ]


def test_a_network_file_is_named_as_such(check_workload: Check) -> None:
    assert check_workload(("workload/v1", "network/v1")) == [
        "F:1: format: this is a network file; expected a workload file"
    ]


def test_many_problems_at_once(check_workload: Check) -> None:
    lines = check_workload(
        ("    gpus: 8\n", "    gpus: 0\n"),
        ("[H100, H800]", "[H100, X1]"),
        ("model_weights_gb: 140.0", "model_weights_gb: big"),
        ("beijing:", "tokyo:"),
        ("    latency_slo_rtt_ms: 30.0\n", ""),
        ("gpu_milli: 460}", "gpu_milli: 460, colour: red}"),
        ("num_gpu: 2, gpu_milli: 1000", "num_gpu: 2, gpu_milli: 10"),
    )
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines] == [
        "F:5: training_jobs[0].gpus",
        "F:11: training_jobs[0].allowed_gpu_models[1]",
        "F:13: inference_services[0].latency_slo_rtt_ms",
        "F:14: inference_services[0].model_weights_gb",
        "F:15: inference_services[0].demand_rps.tokyo",
        "F:20: pods[0].colour",
        "F:21: pods[1].gpu_milli",
    ]


NEW_LIMIT = "    max_price_yuan_per_h100_decode_hour: 10.0\n"
OLD_LIMIT = "    max_price_yuan_per_gpu_hour: 10.0\n"


def test_a_service_with_both_limits_is_told_which_to_keep(check_workload: Check) -> None:
    assert check_workload((NEW_LIMIT, NEW_LIMIT + OLD_LIMIT)) == [
        "F:20: inference_services[0].max_price_yuan_per_gpu_hour: give one max price: keep "
        "max_price_yuan_per_h100_decode_hour (yuan per H100-equivalent decode GPU-hour) and "
        "delete max_price_yuan_per_gpu_hour (the per-GPU-hour limit of older files)"
    ]


def test_a_service_without_a_limit(check_workload: Check) -> None:
    assert check_workload((NEW_LIMIT, "")) == [
        "F:13: inference_services[0].max_price_yuan_per_h100_decode_hour: missing required "
        "field 'max_price_yuan_per_h100_decode_hour' (yuan per H100-equivalent decode GPU-hour)"
    ]


def test_an_old_per_gpu_hour_limit_is_still_valid(check_workload: Check) -> None:
    assert check_workload((NEW_LIMIT, OLD_LIMIT)) == []


def test_bad_spot_attributes(check_workload: Check) -> None:
    spot = "    preemptible: yes please\n    checkpoint_hours: 0\n    on_preempt: retry\n"
    assert check_workload(("    data_size_gb: 500.0\n", "    data_size_gb: 500.0\n" + spot)) == [
        "F:11: training_jobs[0].preemptible: must be true or false, got 'yes please'",
        "F:12: training_jobs[0].checkpoint_hours: must be > 0, got 0",
        "F:13: training_jobs[0].on_preempt: must be one of requeue, fail; got 'retry'",
    ]
