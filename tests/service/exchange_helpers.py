"""A small two-supplier network, job documents, and a client that speaks for one API key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from suanli.market.roles import Role
from suanli.store.accounts import create_account, issue_key
from suanli.store.engine import Database
from suanli.store.ids import FakeClock, random_id, random_secret

FORMAT = "suanli.workload/v1"

REGIONS = [
    {"id": "beijing", "name": "Beijing", "lat": 39.908, "lon": 116.397},
    {"id": "shanghai", "name": "Shanghai", "lat": 31.222, "lon": 121.458},
]


def pool(pool_id: str, model: str = "H800", nodes: int = 4, price: float = 10.0) -> dict[str, Any]:
    return {
        "id": pool_id,
        "gpu_model": model,
        "nodes": nodes,
        "gpus_per_node": 8,
        "cpu_milli_per_node": 192000,
        "memory_mib_per_node": 2097152,
        "fabric": "ib",
        "reserve_price_yuan_per_gpu_hour": price,
    }


def site(
    site_id: str, *pools: dict[str, Any], lat: float = 40.78, lon: float = 114.87
) -> dict[str, Any]:
    return {
        "id": site_id,
        "name": site_id.title(),
        "city": "Zhangjiakou",
        "lat": lat,
        "lon": lon,
        "egress_gbps": 100,
        "electricity_yuan_per_kwh": 0.4,
        "pue": 1.2,
        "pools": list(pools),
    }


def training(
    job_id: str = "j1", gpus: int = 8, hours: float = 80.0, **extra: Any
) -> dict[str, Any]:
    job = {
        "id": job_id,
        "gpus": gpus,
        "work_h100_gpu_hours": hours,
        "max_price_yuan_per_gpu_hour": 40,
        "deadline_hours": 1000,
        "data_region": "beijing",
    }
    return {"format": FORMAT, "name": "w", "training_jobs": [job | extra]}


def inference(service_id: str = "s1") -> dict[str, Any]:
    service = {
        "id": service_id,
        "model_weights_gb": 60,
        "demand_rps": {"beijing": 2},
        "input_tokens_per_request": 500,
        "output_tokens_per_request": 200,
        "latency_slo_rtt_ms": 50,
        "max_price_yuan_per_h100_decode_hour": 40,
    }
    return {"format": FORMAT, "name": "w", "inference_services": [service]}


class Api:
    """A TestClient that sends one API key; `ok()` asserts the status and returns the JSON."""

    def __init__(self, client: TestClient, key: str | None, account_id: str = "") -> None:
        self.client, self.key, self.account_id = client, key, account_id

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return auth | (extra or {})

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, body: Any = None, key: str | None = None, **kw: Any) -> Any:
        extra = {"Idempotency-Key": key} if key else None
        return self.client.post(path, json=body, headers=self.headers(extra), **kw)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, json=body, headers=self.headers())

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(path, json=body, headers=self.headers())

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers())

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None


def account_api(
    db: Database,
    client: TestClient,
    role: Role,
    name: str,
    new_id: Callable[[str], str] = random_id,
) -> Api:
    """A new account of `role` with a key, and a client on `client` that uses it."""
    with db.write() as session:
        account = create_account(
            session=session, name=name, role=role, now=FakeClock()(), new_id=new_id
        )
        key = issue_key(
            session=session,
            account=account,
            now=FakeClock()(),
            new_id=new_id,
            new_secret=random_secret,
        )
        return Api(client, key, account.id)
