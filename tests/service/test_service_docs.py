"""The service describes itself: /docs, the OpenAPI document with the file formats in it,
/healthz, /metrics; and the migrations build exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from exchange_helpers import Api
from fastapi.testclient import TestClient

from suanli.store.engine import Database
from suanli.store.migrate import current_revision, head_revision, upgrade
from suanli.store.tables import Base


def test_docs_and_openapi(client: TestClient) -> None:
    assert "swagger" in client.get("/docs").text.lower()
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"Workload", "WorkloadTrainingJob", "NetworkSite", "NetworkPool"} <= set(schemas)
    job_body = spec["paths"]["/v1/jobs"]["post"]["requestBody"]["content"]["application/json"]
    assert job_body["schema"] == {"$ref": "#/components/schemas/Workload"}
    assert "$defs" not in str(schemas)
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_healthz_and_metrics(client: TestClient, buyer: Api, db: Database) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": db.dialect}
    buyer.get("/v1/jobs/job_404")
    text = client.get("/metrics").text
    assert (
        'suanli_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="404"} 1.0'
        in text
    )
    assert "suanli_http_request_duration_seconds_bucket" in text


def test_migrations_match_the_models(db: Database) -> None:
    assert current_revision(db) == head_revision()
    assert upgrade(db) == head_revision()  # a second upgrade changes nothing
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
