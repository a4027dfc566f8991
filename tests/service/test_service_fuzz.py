"""Schemathesis over the OpenAPI spec: every operation, with generated valid and invalid input,
as an operator and as a buyer, on both databases, never gets a server error (5xx)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from exchange_helpers import Api, pool, site, training
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

EXAMPLES = int(os.environ.get("SUANLI_FUZZ_EXAMPLES", "4"))
"""Per operation, mode and caller: bounded so that the whole folder stays fast."""


@pytest.fixture
def seeded(operator: Api, supplier: Api, buyer: Api) -> dict[str, Api]:
    """A market to fuzz: a site with a pool, and a buyer's job with a quote."""
    supplier.ok(supplier.post("/v1/sites", site("s1", pool("p1"))), 201)
    job = buyer.ok(buyer.post("/v1/jobs", training()), 201)
    buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    return {"operator": operator, "buyer": buyer}


@pytest.mark.parametrize("role", ["operator", "buyer"])
def test_no_server_errors(role: str, seeded: dict[str, Api]) -> None:
    caller = seeded[role]
    schema = schemathesis.openapi.from_asgi("/openapi.json", caller.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += fuzz(operation, mode, caller)
    assert not failures, "\n".join(failures)


def fuzz(operation: Any, mode: GenerationMode, caller: Api) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        response = case.call(headers=caller.headers())
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except Exception as e:  # collect all, then report them together
            failures.append(f"{operation.verbose_name} {mode.value}: {e}"[:2000])

    try:
        check()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
        assert mode is GenerationMode.NEGATIVE
    return failures
