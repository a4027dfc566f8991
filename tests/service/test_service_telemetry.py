"""POST /v1/telemetry (suppliers, own sites only, whole or nothing) and completed jobs billed on
the GPU-hours the telemetry audit certifies, on both databases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from exchange_helpers import Api, pool, site, training

from suanli.market.roles import Role
from suanli.service.settings import ServiceSettings

T0 = 1_735_689_600_000  # 2025-01-01T00:00:00Z, the FakeClock's start
STEP_MS = 60_000
PROM = {"Content-Type": "text/plain; version=0.0.4"}


def exposition(job: str, busy: int, idle: int, hours: float, seed: int = 1, first: int = 0) -> str:
    """Prometheus 0.0.4 text, one sample a minute: `busy` GPUs training (high SM activity,
    ~550 W), `idle` GPUs held but idle (~70 W), all labelled with `job` (suanli_job)."""
    rng = np.random.default_rng(seed)
    steps = int(hours * 3_600_000 / STEP_MS)
    lines = ["# TYPE DCGM_FI_PROF_SM_ACTIVE gauge"]
    for gpu in range(first, first + busy + idle):
        labels = f'gpu="{gpu}",UUID="GPU-{gpu:04d}",Hostname="n1",suanli_job="{job}"'
        working = gpu < first + busy
        for k in range(steps):
            ts = T0 + k * STEP_MS
            sm = 0.9 + rng.normal(0, 0.03) if working else 0.0
            values = {
                "DCGM_FI_DEV_GPU_UTIL": 100 if working else 0,
                "DCGM_FI_PROF_SM_ACTIVE": round(sm, 4),
                "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE": round(0.5 + rng.normal(0, 0.05), 4)
                if working
                else 0.0,
                "DCGM_FI_PROF_DRAM_ACTIVE": 0.3 if working else 0.0,
                "DCGM_FI_DEV_POWER_USAGE": round(
                    550 + rng.normal(0, 20) if working else 70 + rng.normal(0, 2), 3
                ),
            }
            lines += [f"{name}{{{labels}}} {value} {ts}" for name, value in values.items()]
    return "\n".join(lines) + "\n"


def push(api: Api, text: str, key: str | None = None, **params: str):
    headers = PROM | ({"Idempotency-Key": key} if key else {})
    return api.client.post(
        "/v1/telemetry", content=text, params=params, headers=api.headers(headers)
    )


def stored_files(settings: ServiceSettings) -> list[Path]:
    return sorted(settings.resolved_telemetry_dir().rglob("*.parquet"))


MINIMUM_GPU_HOURS = 0.25
"""A quarter GPU-hour per GPU (8 GPUs: 20 yuan at 10 yuan per GPU-hour), below what the half-idle
job below certifies, so that its bill shows certified hours."""


@pytest.fixture
def settings(settings: ServiceSettings) -> ServiceSettings:
    return settings.model_copy(update={"min_billable_gpu_hours": MINIMUM_GPU_HOURS})


@pytest.fixture
def listed(supplier: Api) -> Api:
    supplier.ok(supplier.post("/v1/sites", site("zjk", pool("zjk-h800"))), 201)
    return supplier


def test_supplier_pushes_for_own_sites_only(
    listed: Api, make_api, operator: Api, settings: ServiceSettings
) -> None:
    text = exposition("job_x", busy=1, idle=1, hours=0.1)
    first = listed.ok(push(listed, text, key="t-1", site="zjk"), 201)
    assert (first["samples_stored"], first["gpus"], first["sites"]) == (60, 2, ["zjk"])
    again = push(listed, text, key="t-1", site="zjk")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["batch"] == first["batch"]
    files = stored_files(settings)
    assert len(files) == 1

    other = make_api(Role.SUPPLIER, "supplier-b")
    other.ok(other.post("/v1/sites", site("wuhu", pool("wuhu-h800"), lat=31.3, lon=118.4)), 201)
    refused = push(other, text, site="zjk")
    assert refused.status_code == 403 and "not yours: zjk" in refused.json()["detail"]
    labelled = text.replace('Hostname="n1"', 'Hostname="n1",site="zjk"')
    assert push(other, labelled).status_code == 403  # the site label, not the parameter
    assert push(other, labelled, site="wuhu").status_code == 422  # label and parameter differ
    buyer = make_api(Role.BUYER, "nosy")
    assert push(buyer, text, site="zjk").status_code == 403
    assert operator.ok(push(operator, text, site="wuhu"), 201)["sites"] == ["wuhu"]
    assert len(stored_files(settings)) == 2


def test_malformed_body_is_422_with_its_line_and_stores_nothing(
    listed: Api, settings: ServiceSettings
) -> None:
    text = exposition("job_x", busy=1, idle=0, hours=0.1).splitlines()
    text.insert(7, 'DCGM_FI_DEV_GPU_UTIL{UUID="GPU-0000" 12')
    response = push(listed, "\n".join(text) + "\n", site="zjk")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["errors"][0]["field"] == "line 8"
    assert "line 8: " in problem["detail"] and "/tmp" not in problem["detail"]
    assert stored_files(settings) == []
    no_site = push(listed, exposition("job_x", 1, 0, 0.05))
    assert no_site.status_code == 422 and "no site" in no_site.json()["detail"]
    json_body = listed.post("/v1/telemetry?site=zjk", {"a": 1})
    assert json_body.status_code == 415
    assert stored_files(settings) == []


def run_job(buyer: Api, supplier: Api) -> tuple[str, dict]:
    """A reserved, started job: 8 GPUs for about an hour at 10 yuan per GPU-hour."""
    job = buyer.ok(buyer.post("/v1/jobs", training(gpus=8, hours=8.0)), 201)
    quote = buyer.ok(buyer.post("/v1/quotes", {"job_id": job["id"]}), 201)
    buyer.ok(buyer.post("/v1/reservations", {"quote_id": quote["id"]}), 201)
    supplier.ok(supplier.post(f"/v1/jobs/{job['id']}/start"))
    return job["id"], quote


def books(operator: Api) -> dict[str, float]:
    ledger = operator.ok(operator.get("/v1/ledger"))
    assert ledger["postings_total_yuan"] == 0.0
    return {a["id"]: a["balance_yuan"] for a in ledger["accounts"]}


def test_half_idle_job_is_billed_on_certified_hours(
    listed: Api, buyer: Api, operator: Api, clock
) -> None:
    job_id, quote = run_job(buyer, listed)
    line = quote["lines"][0]
    price, reserved = line["price_yuan_per_gpu_hour"], quote["total_yuan"]
    listed.ok(push(listed, exposition(job_id, busy=4, idle=4, hours=1.0), site="zjk"), 201)
    other = exposition("job_other", busy=2, idle=0, hours=1.0, seed=2, first=8)
    listed.ok(push(listed, other, site="zjk"), 201)
    clock.advance(hours=2)
    listed.ok(listed.post(f"/v1/jobs/{job_id}/complete"))

    bill = buyer.ok(buyer.get(f"/v1/jobs/{job_id}/bill"))
    assert bill["basis"] == "certified"
    audit = bill["audit"]
    assert audit["hours_observed"] == pytest.approx(8.0)
    assert audit["certified_gpu_hours"] == pytest.approx(4.0)
    assert audit["hours_by_class"]["productive"] == pytest.approx(4.0)
    assert audit["hours_by_class"]["idle"] == pytest.approx(4.0)
    assert audit["policy"]["version"] == "audit-policy-v1"
    charged = round(4.0 * price, 2)
    assert charged < reserved
    assert (bill["charged_yuan"], bill["refunded_yuan"]) == (charged, round(reserved - charged, 2))
    assert bill["lines"][0]["certified_gpu_hours"] == pytest.approx(4.0)

    balances = books(operator)
    assert balances[f"wallet:{buyer.account_id}"] == round(100000 - charged, 2)
    assert balances[f"escrow:{buyer.account_id}"] == 0.0
    assert balances[f"receivable:{listed.account_id}"] == round(charged * 0.95, 2)
    assert balances["platform:fees"] == round(charged * 0.05, 2)
    entries = buyer.ok(buyer.get("/v1/ledger/entries", params={"job_id": job_id}))
    assert [e["kind"] for e in entries] == ["hold", "settle", "refund"]


def test_job_without_telemetry_is_billed_as_reserved(
    listed: Api, buyer: Api, operator: Api, clock
) -> None:
    job_id, quote = run_job(buyer, listed)
    other = exposition("job_other", busy=1, idle=1, hours=0.5, first=8)
    listed.ok(push(listed, other, site="zjk"), 201)
    assert buyer.get(f"/v1/jobs/{job_id}/bill").status_code == 404  # not billed while running
    clock.advance(hours=2)
    listed.ok(listed.post(f"/v1/jobs/{job_id}/complete"))
    bill = buyer.ok(buyer.get(f"/v1/jobs/{job_id}/bill"))
    assert (bill["basis"], bill["note"]) == ("reserved", "no telemetry: billed as reserved")
    assert (bill["charged_yuan"], bill["refunded_yuan"]) == (quote["total_yuan"], 0.0)
    assert bill["audit"] is None
    balances = books(operator)
    assert balances[f"wallet:{buyer.account_id}"] == 100000 - quote["total_yuan"]
    assert balances[f"receivable:{listed.account_id}"] == round(quote["total_yuan"] * 0.95, 2)
    entries = buyer.ok(buyer.get("/v1/ledger/entries", params={"job_id": job_id}))
    assert [e["kind"] for e in entries] == ["hold", "settle"]


def test_certified_hours_below_the_minimum_are_charged_the_minimum(
    listed: Api, buyer: Api, operator: Api, clock
) -> None:
    job_id, quote = run_job(buyer, listed)
    price = quote["lines"][0]["price_yuan_per_gpu_hour"]
    listed.ok(push(listed, exposition(job_id, busy=1, idle=7, hours=1.0), site="zjk"), 201)
    clock.advance(hours=2)
    listed.ok(listed.post(f"/v1/jobs/{job_id}/complete"))
    bill = buyer.ok(buyer.get(f"/v1/jobs/{job_id}/bill"))
    minimum = round(8 * MINIMUM_GPU_HOURS * price, 2)
    assert bill["lines"][0]["certified_gpu_hours"] == pytest.approx(1.0)
    assert 1.0 * price < minimum
    assert (bill["basis"], bill["charged_yuan"]) == ("minimum", minimum)
    assert books(operator)[f"wallet:{buyer.account_id}"] == round(100000 - minimum, 2)
