"""Site selection for training jobs: hard filters and costs for every (job, pool) pair at once.

Filters, each a jobs × pools mask (a pair is feasible when all hold):
    allowed      the pool's GPU model is one the job allows (empty list: any)
    fits         the gang fits in the pool's free GPUs (one pool is one fabric: never split)
    price_ok     pool price <= the job's max price per GPU-hour
    deadline_ok  transfer hours + run hours <= the job's deadline
Costs follow `placement.costs`. A job's value (what leaving it unplaced costs the objective) is
the most its buyer would pay anywhere it is feasible: max_p (max price × GPU-hours_jp +
transfer yuan_jp), plus one fen (`PLACEMENT_MARGIN_YUAN`). So placing a job where it is
feasible always costs less than leaving it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from suanli.catalog.gpus import canonical_gpu_name, gpu_model
from suanli.domain import H100, TrainingJob
from suanli.errors import UnknownNameError
from suanli.placement.costs import (
    PLACEMENT_MARGIN_YUAN,
    Bools,
    CostModel,
    Floats,
    Ints,
    transfer_hours,
)
from suanli.placement.geometry import Geometry
from suanli.placement.snapshot import Snapshot


def canonical_models(names: Sequence[str]) -> tuple[str, ...]:
    """Catalog names for `names`; an unknown name is kept as given (it matches no pool)."""
    out = []
    for name in names:
        try:
            out.append(canonical_gpu_name(name))
        except UnknownNameError:
            out.append(name)
    return tuple(out)


def allowed_matrix(allowed: Sequence[tuple[str, ...]], pool_models: Sequence[str]) -> Bools:
    """Mask (work × pools): the pool's model is allowed; rows computed once per distinct list."""
    models = np.array(pool_models, dtype=object)
    rows: dict[tuple[str, ...], Bools] = {}
    for names in allowed:
        if names not in rows:
            rows[names] = (
                np.isin(models, canonical_models(names)) if names else np.ones(len(models), bool)
            )
    mask: Bools = np.array([rows[n] for n in allowed], dtype=bool).reshape(
        len(allowed), len(models)
    )
    return mask


@dataclass(frozen=True, slots=True, eq=False)
class TrainingTable:
    """Filters, needs and costs of every (job, pool) pair: arrays of shape jobs × pools."""

    jobs: tuple[TrainingJob, ...]
    gpus: Ints
    limit: Floats
    allowed: Bools
    fits: Bools
    price_ok: Bools
    deadline_ok: Bools
    gpu_hours: Floats
    run_hours: Floats
    transfer_hours: Floats
    transfer_yuan: Floats
    cost: Floats
    rtt_ms: Floats
    feasible: Bools
    value: Floats

    @property
    def index(self) -> dict[str, int]:
        return {j.id: i for i, j in enumerate(self.jobs)}


def build_training(
    snapshot: Snapshot, jobs: Sequence[TrainingJob], geo: Geometry, cm: CostModel
) -> TrainingTable:
    """The table of `jobs` on every pool of `snapshot` (module docstring)."""
    shape = (len(jobs), len(snapshot.pools))
    gpus = np.array([j.gpus for j in jobs], dtype=np.int64)
    limit = np.array([j.max_price_yuan_per_gpu_hour for j in jobs], dtype=np.float64)
    deadline = np.array([j.deadline_hours for j in jobs], dtype=np.float64)
    gpu_hours, transfer_h, transfer_yuan = _needs(snapshot, jobs, geo, cm)
    run_hours = gpu_hours / gpus.reshape(-1, 1)
    allowed = allowed_matrix([j.allowed_gpu_models for j in jobs], snapshot.model_names)
    fits = gpus[:, None] <= snapshot.free_gpus[None, :]
    price_ok = (snapshot.price[None, :] <= limit[:, None]).reshape(shape)
    deadline_ok = transfer_h + run_hours <= deadline[:, None]
    feasible = allowed & fits & price_ok & deadline_ok
    worth = np.where(
        feasible, limit[:, None] * gpu_hours + transfer_yuan + PLACEMENT_MARGIN_YUAN, 0.0
    )
    region = [geo.region_index(j.data_region) for j in jobs]
    return TrainingTable(
        jobs=tuple(jobs),
        gpus=gpus,
        limit=limit,
        allowed=allowed,
        fits=fits,
        price_ok=price_ok,
        deadline_ok=deadline_ok,
        gpu_hours=gpu_hours,
        run_hours=run_hours,
        transfer_hours=transfer_h,
        transfer_yuan=transfer_yuan,
        cost=snapshot.price[None, :] * gpu_hours + transfer_yuan,
        rtt_ms=geo.rtt_ms[:, region].T.reshape(shape),
        feasible=feasible,
        value=worth.max(axis=1, initial=0.0),
    )


def _needs(
    snapshot: Snapshot, jobs: Sequence[TrainingJob], geo: Geometry, cm: CostModel
) -> tuple[Floats, Floats, Floats]:
    """GPU-hours, transfer hours and transfer yuan of every (job, pool) pair."""
    shape = (len(jobs), len(snapshot.pools))
    work = np.array([j.work_h100_gpu_hours for j in jobs], dtype=np.float64)
    size = np.array([j.data_size_gb for j in jobs], dtype=np.float64)
    region = np.array([geo.region_index(j.data_region) for j in jobs], dtype=np.int64)
    speed = snapshot.tflops / gpu_model(H100).tflops_bf16_dense
    gpu_hours = (work[:, None] / speed[None, :]).reshape(shape)
    remote = geo.distance_km[:, region].T.reshape(shape) > cm.local_data_km
    transfer_h = np.where(remote, transfer_hours(size, snapshot.egress_gbps), 0.0)
    transfer_yuan = np.where(remote, size[:, None] * cm.transfer_yuan_per_gb, 0.0)
    return gpu_hours, transfer_h, transfer_yuan
