"""The published schemas: valid draft 2020-12, documented, closed, and found by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from suanli.errors import UnknownNameError
from suanli.formats import SCHEMA_NAMES, schema

from .samples import NETWORK, WORKLOAD


def subschemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from subschemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from subschemas(value)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_is_a_valid_draft_2020_12_schema(name: str) -> None:
    s = schema(name)
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"] and s["title"] and s["description"]
    assert s["properties"]["format"]["const"] == f"suanli.{name}/v1"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_is_described_and_every_object_closed(name: str) -> None:
    defs = schema(name)["$defs"]
    for node in subschemas(schema(name)):
        for prop, sub in node.get("properties", {}).items():
            target = defs[sub["$ref"].split("/")[-1]] if "$ref" in sub else {}
            assert sub.get("description") or target.get("description"), prop
        if "properties" in node:
            assert node["additionalProperties"] is False


@pytest.mark.parametrize(("name", "text"), [("network", NETWORK), ("workload", WORKLOAD)])
def test_the_samples_pass_their_schema(name: str, text: str) -> None:
    assert list(Draft202012Validator(schema(name)).iter_errors(yaml.safe_load(text))) == []


def test_schema_returns_a_copy() -> None:
    schema("network")["title"] = "changed"
    assert schema("network")["title"] == "suanli network"


def test_unknown_schema_name() -> None:
    with pytest.raises(
        UnknownNameError, match="unknown schema 'nonsense'; known: network, workload, scenario"
    ):
        schema("nonsense")
