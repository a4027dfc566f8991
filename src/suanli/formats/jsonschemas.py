"""The published JSON Schemas (draft 2020-12) of the network, workload, scenario and orders
files."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from suanli.errors import UnknownNameError

SCHEMA_NAMES = ("network", "workload", "scenario", "orders")

FORMATS = {
    "network": "suanli.network/v1",
    "workload": "suanli.workload/v1",
    "scenario": "suanli.scenario/v1",
    "orders": "suanli.orders/v1",
}
"""The `format` value that starts each kind of file."""


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of the `name` file format; a fresh copy each call."""
    return copy.deepcopy(_load(name))


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for the `name` schema, built once."""
    return Draft202012Validator(_load(name))


@cache
def _load(name: str) -> dict[str, Any]:
    if name not in SCHEMA_NAMES:
        raise UnknownNameError("schema", name, list(SCHEMA_NAMES))
    path = resources.files("suanli.formats").joinpath(f"schemas/{name}.schema.json")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
