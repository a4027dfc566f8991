"""Network, workload and scenario files (YAML or JSON): published JSON Schemas, validation that
reports every problem at once as `FILE:LINE: field: message`, and conversion to and from domain
objects (scenarios: to and from `ScenarioSpec`)."""

from suanli.formats.dump import dump, dumps_json, dumps_yaml
from suanli.formats.files import (
    load_network,
    load_scenario,
    load_workload,
    network_from_text,
    scenario_from_text,
    validate_network_file,
    validate_scenario_file,
    validate_workload_file,
    workload_from_text,
)
from suanli.formats.jsonschemas import FORMATS, SCHEMA_NAMES, schema
from suanli.formats.scenario_dump import scenario_to_dict
from suanli.formats.scenario_spec import ScenarioSpec
from suanli.formats.to_dict import network_to_dict, workload_to_dict

__all__ = [
    "FORMATS",
    "SCHEMA_NAMES",
    "ScenarioSpec",
    "dump",
    "dumps_json",
    "dumps_yaml",
    "load_network",
    "load_scenario",
    "load_workload",
    "network_from_text",
    "network_to_dict",
    "scenario_from_text",
    "scenario_to_dict",
    "schema",
    "validate_network_file",
    "validate_scenario_file",
    "validate_workload_file",
    "workload_from_text",
    "workload_to_dict",
]
