"""metering room: telemetry-certified GPU-hours (ARCHITECTURE.md, issue 6).

- ingest: dcgm-exporter text (Prometheus 0.0.4, OpenMetrics 1.0) and CSV -> columns -> Parquet
  partitioned by site and day (`ingest`, `TelemetryStore`); a batch is stored whole or not at all;
- rollups per GPU per window, computed by DuckDB (`rollups`);
- the audit: every GPU-window classified with its evidence, under a versioned policy (`audit`,
  `load_policy`, policy/audit-policy-v1.yaml);
- a generator of labelled telemetry for every honest and faked pattern (`generate`).
"""

from suanli.metering.audit import audit
from suanli.metering.exposition import ParseOptions
from suanli.metering.fields import FIELDS
from suanli.metering.generator import generate
from suanli.metering.ingest import IngestReport, ingest
from suanli.metering.policy import Policy, load_policy
from suanli.metering.rollup import Rollups, rollups
from suanli.metering.store import TelemetryStore

__all__ = [
    "FIELDS",
    "IngestReport",
    "ParseOptions",
    "Policy",
    "Rollups",
    "TelemetryStore",
    "audit",
    "generate",
    "ingest",
    "load_policy",
    "rollups",
]
