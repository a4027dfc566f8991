"""Small random placement instances (seeded) and a brute-force oracle over a compiled problem."""

from __future__ import annotations

import itertools
import math
from functools import cache

import numpy as np

from suanli.catalog import rents
from suanli.domain import (
    Fabric,
    GpuPool,
    InferenceService,
    Network,
    Region,
    RegionDemand,
    Site,
    TrainingJob,
    Workload,
)
from suanli.network import LatencyModel
from suanli.placement import Problem, Snapshot

CITIES = {
    "beijing": (39.908, 116.397),
    "shanghai": (31.222, 121.458),
    "guangzhou": (23.117, 113.250),
    "zhongwei": (37.511, 105.191),
    "chengdu": (30.667, 104.067),
}
MODELS = ("H100", "A800", "H20", "L40S", "RTX4090")
TOKENS = ((1020, 129), (1469, 13), (6909, 350))


def site(sid: str, city: str, pools: tuple[GpuPool, ...], egress: float = 100.0) -> Site:
    lat, lon = CITIES[city]
    return Site(sid, sid, city, lat, lon, pools, egress, 0.5, 1.2)


def pool(pid: str, model: str, nodes: int, price: float, gpus_per_node: int = 8) -> GpuPool:
    return GpuPool(pid, model, nodes, gpus_per_node, 128_000, 1_048_576, Fabric.INFINIBAND, price)


def region(rid: str) -> Region:
    lat, lon = CITIES[rid]
    return Region(rid, rid.title(), lat, lon)


def _pools(rng: np.random.Generator, n: int) -> list[tuple[str, GpuPool]]:
    out = []
    for i in range(n):
        model = str(rng.choice(MODELS))
        price = round(rents()[model] * float(rng.uniform(0.7, 1.3)), 2)
        city = str(rng.choice(list(CITIES)))
        out.append((city, pool(f"p{i}", model, int(rng.integers(1, 3)), price)))
    return out


def random_network(rng: np.random.Generator, pools: int, regions: int) -> Network:
    sites = tuple(site(f"s{i}", city, (p,)) for i, (city, p) in enumerate(_pools(rng, pools)))
    names = rng.choice(list(CITIES), size=regions, replace=False)
    return Network("t", sites, tuple(region(str(r)) for r in names))


def _allowed(rng: np.random.Generator) -> tuple[str, ...]:
    if rng.random() < 0.5:
        return ()
    return tuple(str(m) for m in rng.choice(MODELS, size=int(rng.integers(1, 4)), replace=False))


def random_job(rng: np.random.Generator, i: int, regions: list[str]) -> TrainingJob:
    return TrainingJob(
        id=f"job-{i}",
        gpus=int(rng.choice([1, 2, 4, 8, 16])),
        work_h100_gpu_hours=round(float(rng.uniform(1, 100)), 3),
        max_price_yuan_per_gpu_hour=round(float(rng.uniform(4, 16)), 2),
        deadline_hours=round(float(rng.uniform(5, 200)), 2),
        data_region=str(rng.choice(regions)),
        data_size_gb=round(float(rng.uniform(0, 3000)), 1),
        allowed_gpu_models=_allowed(rng),
    )


def random_service(rng: np.random.Generator, i: int, regions: list[str]) -> InferenceService:
    chosen = rng.choice(regions, size=int(rng.integers(1, len(regions) + 1)), replace=False)
    tokens = TOKENS[int(rng.integers(len(TOKENS)))]
    return InferenceService(
        id=f"svc-{i}",
        model_weights_gb=float(rng.choice([14.0, 28.0, 64.0])),
        demand=tuple(RegionDemand(str(r), round(float(rng.uniform(0.05, 2.0)), 3)) for r in chosen),
        input_tokens_per_request=tokens[0],
        output_tokens_per_request=tokens[1],
        latency_slo_rtt_ms=float(rng.choice([5.0, 20.0, 40.0])),
        max_price_yuan_per_h100_decode_hour=round(float(rng.uniform(2, 16)), 2),
        allowed_gpu_models=_allowed(rng),
    )


def random_instance(
    seed: int, *, jobs: int, services: int, pools: int, regions: int = 3
) -> tuple[Snapshot, Workload, LatencyModel]:
    """A network of `pools` one-pool sites with random used GPUs, and random work."""
    rng = np.random.default_rng(seed)
    net = random_network(rng, pools, regions)
    ids = [r.id for r in net.regions]
    used = {p.id: int(rng.integers(0, p.gpus // 2 + 1)) for _, p in net.pools()}
    work = Workload(
        "t",
        training_jobs=tuple(random_job(rng, i, ids) for i in range(jobs)),
        services=tuple(random_service(rng, i, ids) for i in range(services)),
    )
    return Snapshot.of(net, used_gpus=used), work, LatencyModel(net)


# --- the oracle ---------------------------------------------------------------------------------


def brute_force(problem: Problem) -> float:
    """The least objective over every decision, by enumeration (tiny instances only)."""
    t = problem.training
    free = problem.snapshot.free_gpus
    options = [[-1, *np.flatnonzero(t.feasible[j]).tolist()] for j in range(len(t.jobs))]
    services = _ServiceOracle(problem)
    best = math.inf
    for combo in itertools.product(*options):
        used = np.zeros(free.size, dtype=np.int64)
        cost = 0.0
        for j, p in enumerate(combo):
            if p < 0:
                cost += float(t.value[j])
            else:
                used[p] += int(t.gpus[j])
                cost += float(t.cost[j, p])
        if np.all(used <= free):
            best = min(best, cost + services.best(tuple(int(x) for x in free - used)))
    return best


class _ServiceOracle:
    """Least service cost given the free GPUs left: every replica vector, routing by the greedy
    of a polymatroid (exact: values sit on the regions only)."""

    def __init__(self, problem: Problem) -> None:
        self.s = problem.services
        self.best = cache(self._best)

    def _best(self, free: tuple[int, ...]) -> float:
        s = self.s
        gpus = s.gpus[s.sp_s, s.sp_p]
        ranges = [
            range(int(min(s.sp_max[k], free[s.sp_p[k]] // gpus[k])) + 1) for k in range(s.sp_s.size)
        ]
        best = math.inf
        for y in itertools.product(*ranges):
            y_arr = np.array(y, dtype=np.int64)
            used = np.bincount(s.sp_p, weights=y_arr * gpus, minlength=len(free))
            if np.all(used <= np.array(free)):
                cost = float((y_arr * s.replica_cost[s.sp_s, s.sp_p]).sum())
                best = min(best, cost + self._unserved(y_arr))
        return best

    def _unserved(self, y: np.ndarray) -> float:
        s = self.s
        total = 0.0
        for row in range(s.sr_s.size):
            total += float(s.value[s.sr_s[row], s.sr_r[row]] * s.demand[s.sr_s[row], s.sr_r[row]])
        return total - sum(self._flow_value(i, y) for i in set(s.sr_s.tolist()))

    def _flow_value(self, i: int, y: np.ndarray) -> float:
        """Max Σ v_r f_r over feasible flows of service i: greedy over regions by value."""
        s = self.s
        rows = np.flatnonzero(s.sr_s == i)
        order = rows[np.argsort(-s.value[i, s.sr_r[rows]], kind="stable")]
        chosen: list[int] = []
        gained, before = 0.0, 0.0
        for row in order:
            chosen.append(int(row))
            now = self._max_flow(chosen, y)
            gained += float(s.value[i, s.sr_r[row]]) * (now - before)
            before = now
        return gained

    def _max_flow(self, rows: list[int], y: np.ndarray) -> float:
        """Max flow into demand rows `rows`: min over T ⊆ rows of d(rows \\ T) + cap(N(T))."""
        s = self.s
        cap = y * s.rps[s.sp_s, s.sp_p]
        best = math.inf
        for k in range(len(rows) + 1):
            for t in itertools.combinations(rows, k):
                reach = np.isin(s.route_sr, t)
                pairs = np.unique(s.route_sp[reach])
                rest = sum(float(s.demand[s.sr_s[r], s.sr_r[r]]) for r in rows if r not in t)
                best = min(best, rest + float(cap[pairs].sum()))
        return best
