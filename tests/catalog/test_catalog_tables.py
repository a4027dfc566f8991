"""The shipped catalog tables are complete and consistent: sources, names, places, flags."""

from importlib import resources

import pytest

from suanli.catalog import (
    TABLES,
    canonical_gpu_name,
    clusters,
    demand_regions,
    gpu_models,
    power,
    read_table,
    rents,
)
from suanli.catalog.workloads import (
    INFERENCE_GPU_SETS,
    TRAINING_GPU_SETS,
    model_sizes,
    request_profiles,
)

DOMAIN_MODELS = {"H100", "H800", "H20", "A100", "A800", "L40S", "RTX4090", "910B"}
TRACE_MODELS = {"P100", "T4", "V100M16", "V100M32", "A10", "G1", "G2", "G3"}


def test_every_csv_in_the_data_folder_is_a_listed_table():
    files = resources.files("suanli.catalog").joinpath("data").iterdir()
    shipped = {f.name.removesuffix(".csv") for f in files if f.name.endswith(".csv")}
    assert shipped == set(TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_every_row_names_its_source(table):
    rows = read_table(table)
    assert rows, f"{table} is empty"
    for line, row in enumerate(rows, start=2):
        assert row["source"].strip(), f"{table}.csv:{line} has no source"


@pytest.mark.parametrize("table", [t for t in TABLES if "assumption" in read_table(t)[0]])
def test_assumption_cells_are_exactly_true_or_false(table):
    for line, row in enumerate(read_table(table), start=2):
        assert row["assumption"] in {"true", "false"}, f"{table}.csv:{line}"


def test_gpu_names_and_aliases_are_unique_ignoring_case():
    names = [n.casefold() for m in gpu_models().values() for n in (m.name, *m.aliases)]
    assert len(names) == len(set(names))


def test_the_domain_and_trace_gpu_models_are_all_there():
    assert set(gpu_models()) >= DOMAIN_MODELS | TRACE_MODELS


@pytest.mark.parametrize("name", ["G1", "G2", "G3", "910B"])
def test_undisclosed_and_disputed_specs_are_flagged_as_assumptions(name):
    assert gpu_models()[name].assumption


def test_ten_clusters_in_eight_hubs():
    assert len(clusters()) == 10
    assert len({c.hub for c in clusters()}) == 8


def test_every_cluster_and_demand_city_has_a_power_price():
    for city in [c.city for c in clusters()] + [r.name for r in demand_regions()]:
        assert power(city).electricity_yuan_per_kwh > 0, city


def test_every_rent_names_a_catalog_model_by_its_canonical_name():
    for model, price in rents().items():
        assert canonical_gpu_name(model) == model
        assert price > 0


def test_the_workload_gpu_sets_name_rented_catalog_models():
    sets = [s for s, _ in TRAINING_GPU_SETS] + list(INFERENCE_GPU_SETS)
    for model in {m for s in sets for m in s}:
        assert canonical_gpu_name(model) == model
        assert model in rents()


def test_every_request_profile_has_an_arrival_rate_and_every_model_size_a_share():
    assert [p.name for p in request_profiles()] == [
        r["profile"] for r in read_table("request_rates")
    ]
    assert all(p.requests_per_second > 0 for p in request_profiles())
    assert all(m.weights_gb > 0 and m.share > 0 for m in model_sizes())
