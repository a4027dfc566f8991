"""Each kind of problem in a network file, at its exact line and field."""

from __future__ import annotations

from .conftest import Check

POOL = "sites[0].pools[0]"


def test_the_sample_is_valid(check_network: Check) -> None:
    assert check_network() == []


def test_unknown_gpu_model_lists_the_known_ones(check_network: Check) -> None:
    [line] = check_network(("gpu_model: H800", "gpu_model: H900"))
    assert line.startswith(f"F:22: {POOL}.gpu_model: unknown GPU model 'H900'; known: H100, H800, ")


def test_gpu_model_aliases_are_accepted(check_network: Check) -> None:
    assert check_network(("gpu_model: H800", "gpu_model: h800-sxm")) == []


def test_negative_count(check_network: Check) -> None:
    assert check_network(("nodes: 128", "nodes: -4")) == [
        f"F:23: {POOL}.nodes: must be >= 1, got -4"
    ]


def test_negative_price(check_network: Check) -> None:
    assert check_network(("hour: 6.0", "hour: -1.5")) == [
        "F:45: sites[1].pools[0].reserve_price_yuan_per_gpu_hour: must be >= 0, got -1.5"
    ]


def test_zero_egress_must_be_positive(check_network: Check) -> None:
    assert check_network(("egress_gbps: 100", "egress_gbps: 0")) == [
        "F:34: sites[1].egress_gbps: must be > 0, got 0"
    ]


def test_pue_below_one(check_network: Check) -> None:
    assert check_network(("pue: 1.2", "pue: 0.9")) == [
        "F:19: sites[0].pue: must be >= 1, got 0.9 "
        "(a facility never uses less power than its IT load)"
    ]


def test_duplicate_site_id_names_the_first_line(check_network: Check) -> None:
    assert check_network(("id: shanghai-edge\n", "id: zhongwei-1\n")) == [
        "F:29: sites[1].id: duplicate site id 'zhongwei-1' (first on line 10); rename one"
    ]


def test_duplicate_pool_id_across_sites(check_network: Check) -> None:
    assert check_network(("id: shanghai-edge-l40s", "id: zhongwei-1-h800")) == [
        "F:38: sites[1].pools[0].id: duplicate pool id 'zhongwei-1-h800' (first on line 21); "
        "rename one"
    ]


def test_duplicate_region_id(check_network: Check) -> None:
    assert check_network(("id: shanghai, name", "id: beijing, name")) == [
        "F:8: regions[1].id: duplicate region id 'beijing' (first on line 7); rename one"
    ]


def test_latitude_out_of_range(check_network: Check) -> None:
    assert check_network(("lat: 37.511", "lat: 97.5")) == [
        "F:15: sites[0].lat: must be within -90..90, got 97.5"
    ]


def test_longitude_out_of_range(check_network: Check) -> None:
    assert check_network(("lon: 121.474", "lon: 181")) == [
        "F:8: regions[1].lon: must be within -180..180, got 181"
    ]


def test_unknown_field_at_its_own_line_with_a_guess(check_network: Check) -> None:
    assert check_network(("    pue: 1.35\n", "    pue: 1.35\n    egres_gbps: 5\n")) == [
        "F:37: sites[1].egres_gbps: unknown field 'egres_gbps' (did you mean 'egress_gbps'?); "
        "allowed: id, name, hub, cluster, city, lat, lon, egress_gbps, electricity_yuan_per_kwh, "
        "pue, pools"
    ]


def test_each_unknown_field_is_one_problem(check_network: Check) -> None:
    lines = check_network(("name: test-net\n", "name: test-net\nowner: me\nzone: 3\n"))
    assert [line.split(": unknown")[0] for line in lines] == ["F:3: owner", "F:4: zone"]


def test_wrong_type(check_network: Check) -> None:
    assert check_network(("cpu_milli_per_node: 128000", "cpu_milli_per_node: abc")) == [
        f"F:25: {POOL}.cpu_milli_per_node: must be an integer, got 'abc'"
    ]


def test_number_given_where_text_belongs(check_network: Check) -> None:
    assert check_network(("city: Shanghai", "city: 2024")) == [
        "F:31: sites[1].city: must be a string, got 2024; put it in quotes"
    ]


def test_null_value(check_network: Check) -> None:
    assert check_network(
        (
            "gpus_per_node: 8\n        cpu_milli_per_node: 128000",
            "gpus_per_node:\n        cpu_milli_per_node: 128000",
        )
    ) == [f"F:24: {POOL}.gpus_per_node: must be an integer, got null (empty)"]


def test_missing_required_field_at_the_enclosing_mapping(check_network: Check) -> None:
    assert check_network(("        fabric: ib\n", "")) == [
        f"F:21: {POOL}.fabric: missing required field 'fabric'"
    ]


def test_missing_top_level_field(check_network: Check) -> None:
    assert check_network(("name: test-net\n", "")) == ["F:1: name: missing required field 'name'"]


def test_unknown_fabric(check_network: Check) -> None:
    assert check_network(("fabric: ib", "fabric: infiniband")) == [
        f"F:27: {POOL}.fabric: must be one of nvlink, ib, roce, hccs, pcie; got 'infiniband'"
    ]


def test_wrong_format(check_network: Check) -> None:
    assert check_network(("network/v1", "network/v2")) == [
        "F:1: format: must be 'suanli.network/v1', got 'suanli.network/v2'"
    ]


def test_a_workload_file_is_named_as_such(check_network: Check) -> None:
    assert check_network(("network/v1", "workload/v1")) == [
        "F:1: format: this is a workload file; expected a network file"
    ]


def test_route_factor_below_one(check_network: Check) -> None:
    assert check_network(("route_factor: 1.5", "route_factor: 0.8")) == [
        "F:4: latency.route_factor: must be >= 1, got 0.8 "
        "(no route is shorter than the great circle)"
    ]


def test_rtt_override_naming_unknown_site_and_region(check_network: Check) -> None:
    assert check_network(("site: zhongwei-1, region: beijing", "site: lanzhou, region: tokyo")) == [
        "F:47: rtt_overrides[0].region: unknown region 'tokyo'; regions: beijing, shanghai",
        "F:47: rtt_overrides[0].site: unknown site 'lanzhou'; sites: zhongwei-1, shanghai-edge",
    ]


def test_rtt_override_faster_than_light(check_network: Check) -> None:
    assert check_network(("rtt_ms: 18.5", "rtt_ms: 9.5")) == [
        "F:47: rtt_overrides[0].rtt_ms: 9.5 ms is faster than light in fiber: zhongwei-1 and "
        "beijing are 1007 km apart, so the RTT is at least 10.07 ms (2 x distance / 200 km/ms); "
        "check the measurement"
    ]


def test_rtt_floor_skipped_when_the_site_position_is_bad(check_network: Check) -> None:
    assert check_network(("rtt_ms: 18.5", "rtt_ms: 0.5"), ("lat: 37.511", "lat: 100")) == [
        "F:15: sites[0].lat: must be within -90..90, got 100"
    ]


def test_non_finite_number(check_network: Check) -> None:
    assert check_network(("overhead_ms: 1.0", "overhead_ms: .nan")) == [
        "F:5: latency.overhead_ms: must be a finite number, got nan"
    ]


def test_empty_id(check_network: Check) -> None:
    assert check_network(("id: shanghai-edge-l40s", "id: ''")) == [
        "F:38: sites[1].pools[0].id: value must not be empty"
    ]


def test_many_problems_at_once_sorted_by_line(check_network: Check) -> None:
    lines = check_network(
        ("route_factor: 1.5", "route_factor: 0.5"),
        ("id: shanghai, name", "id: beijing, name"),
        ("gpu_model: H800", "gpu_model: H900"),
        ("nodes: 128", "nodes: -4"),
        ("cpu_milli_per_node: 128000", "cpu_milli_per_node: lots"),
        ("fabric: ib", "fabric: infiniband"),
        ("    pue: 1.35\n", "    pue: 1.35\n    colour: red\n"),
        ("        fabric: pcie\n", ""),
        ("rtt_ms: 18.5", "rtt_ms: 2"),
    )
    where = [line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines]
    assert where == [
        "F:4: latency.route_factor",
        "F:8: regions[1].id",
        f"F:22: {POOL}.gpu_model",
        f"F:23: {POOL}.nodes",
        f"F:25: {POOL}.cpu_milli_per_node",
        f"F:27: {POOL}.fabric",
        "F:37: sites[1].colour",
        "F:39: sites[1].pools[0].fabric",
        "F:47: rtt_overrides[0].rtt_ms",
    ]
