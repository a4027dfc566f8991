"""The audit: which GPU-hours in a store were real work, with the evidence.

1. roll the stored samples up per GPU and window (DuckDB);
2. derive the window features the detectors read (power from the energy counter, TDP shares);
3. find replayed windows (fingerprints repeated across GPUs or time);
4. classify each window: the first matching detector of the policy decides;
5. lay the decisions on the grid of GPUs × windows (gaps are missing, silent inventory GPUs are
   phantoms);
6. report hours per class, certified GPU-hours and flags per GPU, per site and per job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from suanli.metering.classify import classify
from suanli.metering.features import window_features
from suanli.metering.grid import audit_range, build_grid
from suanli.metering.inventory import read_inventory
from suanli.metering.policy import Policy, load_policy
from suanli.metering.replay import Replays, find_replays
from suanli.metering.report import AuditInputs, build_report
from suanli.metering.rollup import Rollups, rollups
from suanli.metering.store import TelemetryStore


def audit(
    store_dir: Path,
    site: str | None = None,
    start: int | None = None,
    end: int | None = None,
    policy: Policy | Path | str | None = None,
    inventory: Path | None = None,
    intervals: bool = True,
) -> dict[str, Any]:
    """Audit the store's telemetry in [start, end) (epoch ms; default: all of it).

    `policy` is a loaded policy or a YAML file (default: the packaged audit-policy-v1);
    `inventory` a CSV of the GPUs each site bills for (phantom detection); `intervals=False`
    leaves out the per-interval evidence, keeping the per-GPU flags.
    """
    chosen = policy if isinstance(policy, Policy) else load_policy(policy)
    listed = read_inventory(inventory) if inventory else None
    store = TelemetryStore(Path(store_dir))
    r = rollups(store, site, start, end, chosen.window_ms)
    inputs = analyse(r, chosen, (start, end), listed, site)
    return build_report(inputs, str(store_dir), site, intervals)


def analyse(
    r: Rollups,
    policy: Policy,
    span: tuple[int | None, int | None],
    inventory: Any,
    site: str | None,
) -> AuditInputs:
    """Steps 2–5 on rollups already computed."""
    features = window_features(r, policy.default_gpu_model)
    replay_rule = policy.rule("replay")
    replays = find_replays(r, replay_rule.params) if replay_rule else _no_replays(r)
    decisions = classify(features, replays, policy)
    grid = build_grid(r, decisions, policy, audit_range(r, *span), inventory, site)
    return AuditInputs(policy, r, features, replays, decisions, grid)


def _no_replays(r: Rollups) -> Replays:
    import numpy as np

    return Replays(np.zeros(len(r), np.bool_), np.full(len(r), -1, np.int64))
