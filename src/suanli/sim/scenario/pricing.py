"""Each cycle's prices, by the run's pricing policy (`suanli.market.pricing`), with the market
room's own code:

    fixed    each pool's reserve price (which `price_change` events move)
    posted   the policy's utilization-indexed price, u = GPUs held at the start of the cycle
             (running jobs and the last cycle's replicas) / GPUs online
    auction  the cycle is planned at the last cycle's prices (price discovery with one cycle's
             lag; the first cycle at the reserves); then every placed job and replica group
             bids in its pool's product (GPU model × hub) at its buyer's limit per raw GPU-hour
             of that pool; unmet demand bids too, so that it lifts the price where it is short:
             every queued job that could not be placed bids its gang in the product where its
             work is cheapest at reserve, and every region's unserved requests/s of a service
             bid the GPUs that would serve them in the pool, within the SLO and the buyer's
             limit, that serves a request cheapest; each pool asks its free GPUs at its
             reserve. `suanli.market.clearing.clear` clears the products at one uniform price;
             a pool then sells at max(reserve, its product's price), and the cycle is planned
             again at those prices, so work whose limit is below its product's price goes
             elsewhere or waits and the GPUs go to whoever values them more.
A service bids at its limit per raw GPU-hour of the pool as placement computes it (its limit per
H100-equivalent decode hour × the pool's decode equivalent: `placement.services`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from suanli.catalog.gpus import training_h100_equivalent
from suanli.domain import InferenceService, TrainingJob
from suanli.market.clearing import Order, Side, clear
from suanli.market.pricing import PricingMode
from suanli.placement import Plan, Snapshot
from suanli.placement.costs import CostModel, Floats, Ints
from suanli.placement.geometry import Geometry
from suanli.placement.services import build_services
from suanli.sim.scenario.world import World


def utilization(world: World) -> Floats:
    """GPUs held at the start of the cycle / GPUs online, per pool (0 where none is online)."""
    held = world.in_use().astype(np.float64)
    np.add.at(held, [u.pool for u in world.replicas], [u.gpus for u in world.replicas])
    online = world.online()
    out: Floats = np.divide(held, online, out=np.zeros(len(online)), where=online > 0)
    return np.minimum(out, 1.0)


def offered(world: World) -> Floats:
    """The prices placement sees this cycle (auction: the last cycle's, cleared after
    planning), never below the current reserves."""
    if world.policy.mode is PricingMode.POSTED:
        return world.policy.prices(world.reserve, utilization(world))
    if world.policy.mode is PricingMode.AUCTION and world.price_log:
        last: Floats = np.maximum(world.price_log[-1], world.reserve)
        return last
    return world.reserve.copy()


def clearing_prices(
    world: World,
    decided: Plan,
    jobs: Sequence[TrainingJob],
    services: Sequence[InferenceService],
    free: Ints,
) -> Floats:
    """Clear the cycle's call market on the bids of `decided` and of the demand it left unmet
    (module docstring): the price of every pool."""
    index = {p: i for i, p in enumerate(world.pool_ids)}
    orders = _asks(world, free)
    job_of = {j.id: j for j in jobs}
    for p in decided.placements:
        limit = job_of[p.job].max_price_yuan_per_gpu_hour
        orders.append(_bid(f"job:{p.job}", world.products[index[p.pool]], p.gpus, limit))
    if services:
        orders += _service_bids(world, decided, services, index)
    placed = {p.job for p in decided.placements}
    for job in jobs:
        best = None if job.id in placed else _cheapest_pool(world, job)
        if best is not None:
            limit = job.max_price_yuan_per_gpu_hour
            orders.append(_bid(f"queued:{job.id}", world.products[best], job.gpus, limit))
    result = clear(orders, world.policy.auction_rule)
    price_of = {k: c.price for k, c in result.products.items() if c.price is not None}
    cleared = np.array([price_of.get(k, np.nan) for k in world.products])
    return world.policy.prices(world.reserve, np.zeros(len(world.pool_ids)), cleared)


def _service_bids(
    world: World,
    decided: Plan,
    services: Sequence[InferenceService],
    index: dict[str, int],
) -> list[Order]:
    """Bids of the plan's replica groups and of the requests/s it left unserved (module
    docstring), at the buyers' limits per raw GPU-hour as placement computes them."""
    snapshot = Snapshot.of(
        world.network, prices=dict(zip(world.pool_ids, world.reserve.tolist(), strict=True))
    )
    geo = Geometry.of(snapshot, world.latency)
    table = build_services(snapshot, services, geo, CostModel())
    orders = []
    served = np.zeros_like(table.demand)
    for k, r in enumerate(decided.replicas):
        s, pool = table.index[r.service], index[r.pool]
        gpus = r.replicas * r.gpus_per_replica
        orders.append(_bid(f"replica:{k}", world.products[pool], gpus, table.limit[s, pool]))
        for region, share in r.region_share.items():
            g = geo.region_index(region)
            served[s, g] += share * table.demand[s, g]
    unserved = table.demand - served
    usable = table.allowed & table.node_ok & table.price_ok
    per_request = np.where(
        usable, snapshot.price[None, :] * table.gpus / np.maximum(table.rps, 1e-12), np.inf
    )
    for s, r in zip(*np.nonzero(unserved > 1e-6), strict=True):
        cost = np.where(table.reach[s, :, r], per_request[s], np.inf)
        pool = int(np.argmin(cost))
        if not np.isfinite(cost[pool]):
            continue
        gpus = math.ceil(unserved[s, r] / table.rps[s, pool]) * int(table.gpus[s, pool])
        orders.append(_bid(f"unserved:{s}:{r}", world.products[pool], gpus, table.limit[s, pool]))
    return orders


def _asks(world: World, free: Ints) -> list[Order]:
    return [
        Order(f"pool:{pool}", Side.SELL, world.products[i], float(free[i]), float(world.reserve[i]))
        for i, pool in enumerate(world.pool_ids)
        if free[i] > 0
    ]


def _bid(order_id: str, product: str, gpus: int, limit: float | np.float64) -> Order:
    return Order(order_id, Side.BUY, product, float(gpus), float(limit))


def _cheapest_pool(world: World, job: TrainingJob) -> int | None:
    """The pool whose reserve per H100-equivalent training hour is lowest among those of a model
    the job allows with GPUs enough; None when there is none."""
    best, best_cost = None, float("inf")
    for i, model in enumerate(world.pool_model):
        if job.allowed_gpu_models and model not in job.allowed_gpu_models:
            continue
        if world.capacity[i] < job.gpus:
            continue
        cost = world.reserve[i] / training_h100_equivalent(model)
        if cost < best_cost:
            best, best_cost = i, cost
    return best
