"""Site selection for inference services: filters, replica sizes and costs, all pairs at once.

Filters of a (service, pool) pair, each a services × pools mask:
    allowed    the pool's GPU model is one the service allows (empty list: any)
    node_ok    one replica (`costs.replica_gpus`) fits in one node of the pool
    fits       one replica fits in the pool's free GPUs
    price_ok   pool price <= limit_sp (to a relative `PRICE_RTOL`)
    reaches    some region with demand is within the RTT SLO of the pool's site
where the buyer's limit per raw GPU-hour of pool p is
    limit_sp = max_price_yuan_per_h100_decode_hour_s × decode_equivalent_p
(`catalog.decode_h100_equivalent`: memory bandwidth over the H100's), so the buyer pays per unit
of work and a faster card may charge more. A route (service, pool, region) is a feasible pair
whose site is within the SLO of a region with demand; only routes carry traffic. The value of a
region's demand (what leaving one request/s of it unserved costs the objective) is the most its
buyer would pay to serve that region alone, per request/s: max over its routes of limit_sp ×
horizon × GPUs per replica × ceil(demand / replica rps) plus one fen (`PLACEMENT_MARGIN_YUAN`),
divided by the demand. So serving a whole region from any one feasible pool always costs less
than leaving it unserved. The objective pays replica cost = price × GPUs × horizon for replicas
sized by the pool's requests/s per replica, so it picks the pool that serves a request cheapest.

The flattened index arrays (`sp_*`, `route_*`, `sr_*`) number the optimizer's variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from suanli.domain import InferenceService
from suanli.placement.costs import (
    PLACEMENT_MARGIN_YUAN,
    Bools,
    CostModel,
    Floats,
    Ints,
    ServiceShape,
    replica_gpus,
    replica_rps,
)
from suanli.placement.geometry import Geometry
from suanli.placement.snapshot import Snapshot
from suanli.placement.training import allowed_matrix

PRICE_RTOL = 1e-12
"""A limit converted from an older file's per-GPU-hour limit is a quotient, so limit_sp may fall
an ulp short of the price the buyer wrote; this much relative slack keeps that pool allowed, and
stays far below the one-fen margin of every value."""


@dataclass(frozen=True, slots=True, eq=False)
class ServiceTable:
    """Per service (S), pool (P) and region (R): filters, replica shape, costs, values."""

    services: tuple[InferenceService, ...]
    limit: Floats  # S × P, yuan per raw GPU-hour (limit_sp)
    slo_ms: Floats  # S
    demand: Floats  # S × R, requests/s
    allowed: Bools  # S × P
    node_ok: Bools
    fits: Bools
    price_ok: Bools
    reach: Bools  # S × P × R: within the SLO and the region has demand
    gpus: Ints  # S × P, GPUs per replica
    rps: Floats  # S × P, requests/s per replica
    replica_cost: Floats  # S × P, yuan per replica over the horizon
    feasible: Bools  # S × P
    value: Floats  # S × R, yuan per unserved request/s
    sp_s: Ints  # per feasible pair: service, pool, most replicas worth placing
    sp_p: Ints
    sp_max: Ints
    route_sp: Ints  # per route: its pair and its region
    route_r: Ints
    route_sr: Ints  # per route: its (service, region) demand row
    sr_s: Ints  # per (service, region) with a route
    sr_r: Ints

    @property
    def index(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.services)}


def demand_matrix(services: Sequence[InferenceService], geo: Geometry) -> Floats:
    demand = np.zeros((len(services), len(geo.region_ids)))
    for i, s in enumerate(services):
        for d in s.demand:
            demand[i, geo.region_index(d.region)] += d.rps
    return demand


def build_services(
    snapshot: Snapshot, services: Sequence[InferenceService], geo: Geometry, cm: CostModel
) -> ServiceTable:
    """The table of `services` on every pool of `snapshot` (module docstring)."""
    per_h100 = np.array([s.max_price_yuan_per_h100_decode_hour for s in services], dtype=float)
    limit = per_h100[:, None] * snapshot.decode_equivalent[None, :]
    slo = np.array([s.latency_slo_rtt_ms for s in services], dtype=np.float64)
    demand = demand_matrix(services, geo)
    gpus, rps = _replicas(snapshot, services, cm)
    allowed = allowed_matrix([s.allowed_gpu_models for s in services], snapshot.model_names)
    node_ok = gpus <= snapshot.gpus_per_node[None, :]
    fits = gpus <= snapshot.free_gpus[None, :]
    price_ok = (snapshot.price[None, :] <= limit * (1.0 + PRICE_RTOL)).reshape(gpus.shape)
    reach = (geo.rtt_ms[None, :, :] <= slo[:, None, None]) & (demand[:, None, :] > 0)
    feasible = allowed & node_ok & fits & price_ok & reach.any(axis=2)
    replica_cost = snapshot.price[None, :] * gpus * cm.service_horizon_hours
    routes = feasible[:, :, None] & reach
    return ServiceTable(
        services=tuple(services),
        limit=limit,
        slo_ms=slo,
        demand=demand,
        allowed=allowed,
        node_ok=node_ok,
        fits=fits,
        price_ok=price_ok,
        reach=reach,
        gpus=gpus,
        rps=rps,
        replica_cost=replica_cost,
        feasible=feasible,
        value=_value(limit, demand, gpus, rps, routes, cm),
        **_flat(snapshot, demand, gpus, rps, routes),
    )


def _replicas(
    snapshot: Snapshot, services: Sequence[InferenceService], cm: CostModel
) -> tuple[Ints, Floats]:
    """GPUs per replica and requests/s per replica (`placement.costs`)."""
    shape = ServiceShape(
        weights_gb=np.array([s.model_weights_gb for s in services], dtype=np.float64),
        input_tokens=np.array([s.input_tokens_per_request for s in services], dtype=np.float64),
        output_tokens=np.array([s.output_tokens_per_request for s in services], dtype=np.float64),
    )
    gpus = replica_gpus(shape.weights_gb, snapshot.memory_gb, cm)
    gpus = gpus.reshape(len(services), len(snapshot.pools))
    rps = replica_rps(shape, gpus, snapshot.tflops, snapshot.bandwidth_tb_s, cm)
    return gpus, rps.reshape(gpus.shape)


def _value(
    limit: Floats, demand: Floats, gpus: Ints, rps: Floats, routes: Bools, cm: CostModel
) -> Floats:
    """Yuan per unserved request/s of each (service, region) (module docstring)."""
    replicas = np.ceil(demand[:, None, :] / rps[:, :, None] - 1e-9)
    gpu_hours = gpus[:, :, None] * replicas * cm.service_horizon_hours
    pay = np.where(routes, limit[:, :, None] * gpu_hours, 0.0).max(axis=1, initial=0.0)
    safe = np.where(demand > 0, demand, 1.0)
    worth = pay + PLACEMENT_MARGIN_YUAN
    value: Floats = np.where((demand > 0) & routes.any(axis=1), worth / safe, 0.0)
    return value


def _flat(
    snapshot: Snapshot, demand: Floats, gpus: Ints, rps: Floats, routes: Bools
) -> dict[str, Ints]:
    """Index arrays of feasible pairs, routes and demand rows, in row-major order."""
    feasible = routes.any(axis=2)
    sp_s, sp_p = np.nonzero(feasible)
    sp_index = np.full(feasible.shape, -1, dtype=np.int64)
    sp_index[sp_s, sp_p] = np.arange(sp_s.size)
    reachable = (demand[:, None, :] * routes).sum(axis=2)[sp_s, sp_p]
    wanted = np.ceil(reachable / rps[sp_s, sp_p] - 1e-9).astype(np.int64)
    has_route = routes.any(axis=1)
    sr_s, sr_r = np.nonzero(has_route)
    sr_index = np.full(has_route.shape, -1, dtype=np.int64)
    sr_index[sr_s, sr_r] = np.arange(sr_s.size)
    route_s, route_p, route_r = np.nonzero(routes)
    return {
        "sp_s": sp_s.astype(np.int64),
        "sp_p": sp_p.astype(np.int64),
        "sp_max": np.minimum(snapshot.free_gpus[sp_p] // gpus[sp_s, sp_p], wanted),
        "route_sp": sp_index[route_s, route_p],
        "route_r": route_r.astype(np.int64),
        "route_sr": sr_index[route_s, route_r],
        "sr_s": sr_s.astype(np.int64),
        "sr_r": sr_r.astype(np.int64),
    }
