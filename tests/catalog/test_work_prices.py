"""H100-equivalents of the catalog models, and service limits priced per unit of work."""

import pytest

from suanli.catalog import decode_h100_equivalent, gpu_models, rents, training_h100_equivalent
from suanli.catalog.workloads import (
    generate_workload,
    limit_from_gpu_hour_limit,
    pricing_models,
    service_price_floor,
    suitable_gpu_sets,
)

H100_TFLOPS, H100_TB_S = (
    989.0,
    3.35,
)  # DOMAIN.md §3, written out so the test does not reuse the code


@pytest.mark.parametrize(
    ("model", "training", "decode"),
    [
        ("H100", 1.0, 1.0),
        ("H800", 1.0, 1.0),
        ("H20", 148 / H100_TFLOPS, 4.0 / H100_TB_S),
        ("A800", 312 / H100_TFLOPS, 2.04 / H100_TB_S),
        ("RTX4090", 165 / H100_TFLOPS, 1.0 / H100_TB_S),
        ("4090", 165 / H100_TFLOPS, 1.0 / H100_TB_S),  # an alias
    ],
)
def test_h100_equivalents_are_tflops_and_bandwidth_over_the_h100s(model, training, decode):
    assert training_h100_equivalent(model) == pytest.approx(training)
    assert decode_h100_equivalent(model) == pytest.approx(decode)


def test_every_catalog_model_has_a_rent_to_price_services_on():
    assert set(rents()) == set(gpu_models())


def _per_work(model: str) -> float:
    return rents()[model] / (gpu_models()[model].memory_bandwidth_tb_s / H100_TB_S)


def test_an_any_gpu_limit_is_set_on_the_best_value_for_work_not_the_cheapest_card():
    """A 7B model fits every candidate: the RTX 4090 rents cheapest per GPU-hour, the H20 serves
    decode cheapest per H100-equivalent hour, and the limit follows the H20."""
    models = pricing_models(14.0, ())
    assert "RTX4090" in models and "H20" in models
    assert min(models, key=lambda m: rents()[m]) == "RTX4090"
    assert service_price_floor(14.0, ()) == pytest.approx(_per_work("H20"))
    assert service_price_floor(14.0, ()) == pytest.approx(min(_per_work(m) for m in models))
    assert service_price_floor(14.0, ("L40S",)) == pytest.approx(_per_work("L40S"))


def test_generated_service_limits_lie_between_the_floor_and_its_multiplier():
    for s in generate_workload("inference", 400, 21).services:
        models = s.allowed_gpu_models or tuple(
            m for group in suitable_gpu_sets(s.model_weights_gb) for m in group
        )
        floor = min(_per_work(m) for m in models or tuple(rents()))
        assert floor - 1e-3 <= s.max_price_yuan_per_h100_decode_hour <= 1.6 * floor + 1e-3


@pytest.mark.parametrize(
    ("weights_gb", "allowed", "priced_on"),
    [
        (14.0, (), "RTX4090"),  # any: the cheapest-rent candidate that holds the weights
        (671.0, (), "H20"),  # only the H20 sets hold 671 GB in one node
        (140.0, ("H20", "H100", "H800"), "H20"),
        (140.0, ("H100", "H800"), "H800"),
    ],
)
def test_an_old_per_gpu_hour_limit_converts_on_the_model_it_was_priced_on(
    weights_gb, allowed, priced_on
):
    per_work = limit_from_gpu_hour_limit(6.0, weights_gb, allowed)
    bandwidth = gpu_models()[priced_on].memory_bandwidth_tb_s
    assert per_work == pytest.approx(6.0 * H100_TB_S / bandwidth)
    assert per_work * decode_h100_equivalent(priced_on) == pytest.approx(6.0)
