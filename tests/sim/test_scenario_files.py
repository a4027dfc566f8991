"""Scenario files: the shipped ones load, bad ones get `FILE:LINE: field: message`, the schema and
the typed config agree, and the resolved scenario loads back to the same spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from test_scenario_samples import TINY, edit

from suanli.errors import InvalidFileError
from suanli.formats import (
    dumps_yaml,
    load_scenario,
    scenario_from_text,
    scenario_to_dict,
    schema,
    validate_scenario_file,
)
from suanli.formats.scenario_spec import (
    EVENT_KINDS,
    InferenceSpec,
    NetworkSource,
    ScenarioSpec,
    WorkloadSource,
    field_names,
)
from suanli.sim.scenario import SHIPPED, load_shipped, shipped_path


def problems(tmp_path: Path, *changes: tuple[str, str]) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(edit(TINY, *changes), encoding="utf-8")
    return [str(p).replace(str(path), "F") for p in validate_scenario_file(path)]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_validate_and_load(name: str) -> None:
    assert validate_scenario_file(shipped_path(name)) == []
    spec = load_shipped(name)
    assert spec.name == name
    assert spec.duration_hours > 0 and spec.workload


def test_the_sample_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("site: hub-zhongwei-1,", "site: hub-atlantis-1,"),
            "F:12: events[0].site: unknown site 'hub-atlantis-1'; sites: hub-zhangjiakou-1,",
        ),
        (
            ("from_hour: 3, to_hour: 7", "from_hour: 3, to_hour: 2"),
            "F:12: events[0].to_hour: must be > from_hour (3), got 2",
        ),
        (
            ("{kind: price_change, at_hour: 4,", "{kind: price_change,"),
            "F:33: events[2].at_hour: price_change events need 'at_hour'",
        ),
        (
            ("training_work_factor: 0.5}", "training_work_factor: 0.5, factor: 2}"),
            "F:35: events[4].factor: efficiency_gain events take no 'factor'; they take: kind, "
            "at_hour, training_work_factor",
        ),
        (
            ("{preset: mixed, jobs: 300,", "{preset: mixd, jobs: 300,"),
            "F:8: workload[0].preset: unknown workload preset 'mixd'; known: mixed, training, "
            "inference",
        ),
        (
            ("gpu_model: H20\n", "gpu_model: B300\n"),
            "F:26: events[1].site.pools[0].gpu_model: unknown GPU model 'B300'; known:",
        ),
        (
            ("nodes: 40", "nodes: 0"),
            "F:27: events[1].site.pools[0].nodes: must be >= 1, got 0",
        ),
        (
            ("id: edge-xian-9\n", "id: hub-hohhot-1\n"),
            "F:16: events[1].site.id: site id 'hub-hohhot-1' is already in network "
            "'china-reference'; rename it",
        ),
        (
            ("step_hours: 2", "step_hours: two"),
            "F:5: step_hours: must be a number, got 'two'",
        ),
        (
            ("{kind: demand_shift, at_hour: 8,", "{kind: demand_shift, at_hour: 80,"),
            "F:34: events[3].at_hour: must be <= duration_hours (12), got 80",
        ),
        (
            ("network: {preset: china,", "network: {preset: china, path: n.yaml,"),
            "F:6: network: give exactly one of 'preset' and 'path'",
        ),
    ],
)
def test_a_bad_file_gets_file_line_field_message(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    found = problems(tmp_path, change)
    assert any(p.startswith(expected) for p in found), found


def test_loading_a_bad_file_raises_with_every_problem(tmp_path: Path) -> None:
    text = edit(TINY, ("duration_hours: 12", "duration_hours: -1"), ("seed: 3", "seed: x"))
    with pytest.raises(InvalidFileError) as e:
        scenario_from_text(text, str(tmp_path / "s.yaml"))
    assert [p.line for p in e.value.problems] == [3, 4]


def test_schema_and_typed_config_name_the_same_fields() -> None:
    s = schema("scenario")
    Draft202012Validator.check_schema(s)
    defs = s["$defs"]
    assert set(s["properties"]) - {"format"} == set(field_names(ScenarioSpec))
    assert set(defs["network_source"]["properties"]) == set(field_names(NetworkSource))
    assert set(defs["workload_source"]["properties"]) == set(field_names(WorkloadSource))
    assert set(defs["inference"]["properties"]) == set(field_names(InferenceSpec))
    kinds = set(defs["event"]["properties"]["kind"]["enum"])
    assert kinds == set(EVENT_KINDS)
    event_fields = {f for k in EVENT_KINDS.values() for f in field_names(k)}
    assert set(defs["event"]["properties"]) == {"kind", *event_fields}


def test_the_resolved_scenario_loads_back_to_the_same_spec(tmp_path: Path) -> None:
    spec = scenario_from_text(TINY, str(tmp_path / "s.yaml"))
    again = tmp_path / "resolved.yaml"
    again.write_text(dumps_yaml(scenario_to_dict(spec)), encoding="utf-8")
    assert load_scenario(again) == spec


def test_relative_paths_are_read_beside_the_scenario(tmp_path: Path) -> None:
    net = tmp_path / "nets" / "n.yaml"
    net.parent.mkdir()
    from suanli.catalog.china import build_china_network
    from suanli.formats import dump, network_to_dict

    dump(network_to_dict(build_china_network(7)), net)
    text = edit(TINY, ("network: {preset: china, seed: 7,", "network: {path: nets/n.yaml,"))
    spec = scenario_from_text(text, str(tmp_path / "s.yaml"))
    assert spec.network.path == str(net.resolve())
