"""Whatever a file holds, validation reports problems and never crashes; no problems means it
loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import yaml
from hypothesis import HealthCheck, given, settings

from suanli.errors import Problem
from suanli.formats import (
    dumps_yaml,
    network_from_text,
    validate_network_file,
    validate_workload_file,
    workload_from_text,
)

from .samples import NETWORK, WORKLOAD

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(),
    st.text(max_size=6),
    st.sampled_from(["H100", "ib", "beijing", "zhongwei-1", "job-00001", "suanli.network/v1"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=2), max_leaves=4)


def paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in children:
        found += paths(child, (*path, key))
    return found


@st.composite
def mutated(draw: st.DrawFn, text: str) -> Any:
    doc = yaml.safe_load(text)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths(doc)[1:]))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(values)
    return doc


def check(tmp_path: Path, doc: Any, name: str, validate: Any, build: Any) -> None:
    text = json.dumps(doc, indent=2) if name.endswith(".json") else dumps_yaml(doc)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = validate(path)
    assert all(p.line >= 1 and p.field and p.message for p in problems)
    assert problems == sorted(problems, key=lambda p: (p.line, p.field, p.message))
    if not problems:
        build(text, name)


@FAST
@given(mutated(NETWORK), st.sampled_from(["n.yaml", "n.json"]))
def test_mutated_networks(tmp_path_factory: Any, doc: Any, name: str) -> None:
    check(tmp_path_factory.mktemp("n"), doc, name, validate_network_file, network_from_text)


@FAST
@given(mutated(WORKLOAD), st.sampled_from(["w.yaml", "w.json"]))
def test_mutated_workloads(tmp_path_factory: Any, doc: Any, name: str) -> None:
    sample = network_from_text(NETWORK)
    check(
        tmp_path_factory.mktemp("w"),
        doc,
        name,
        lambda p: validate_workload_file(p, sample),
        lambda t, n: workload_from_text(t, n, sample),
    )
