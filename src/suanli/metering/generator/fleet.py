"""The GPUs a generated data set describes: ids, nodes, jobs, patterns, exporter dialects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

import numpy as np

from suanli.errors import InvalidValueError, UnknownNameError

PATTERNS = (
    "training",
    "inference-decode",
    "idle-held",
    "spinner",
    "loadgen",
    "replay",
    "phantom",
    "gaps",
)
SCENARIOS = (*PATTERNS, "mixed")
MIXED_CYCLE = (
    "training",
    "inference-decode",
    "idle-held",
    "spinner",
    "loadgen",
    "replay",
    "phantom",
    "gaps",
    "training",
    "inference-decode",
)
"""The `mixed` scenario assigns patterns to GPUs in this order, round and round: every pattern
appears once `gpus >= 8`, and honest work outnumbers each fake."""
GPUS_PER_NODE = 8
DIALECTS = ("prometheus", "openmetrics", "dcgm4-ratio", "percent")
"""How a node's exporter writes: 0.0.4 with ms timestamps; OpenMetrics 1.0 with float seconds,
`_total` counters and `# EOF`; 0.0.4 with DCGM 4 `_RATIO` names; 0.0.4 with profiling shares
in percent (0–100)."""


@dataclass(frozen=True, slots=True)
class Gpu:
    """One generated GPU."""

    index: int
    site: str
    node: str
    uuid: str
    model: str
    pattern: str
    job: str
    """namespace/pod, as the audit reads it back (identity.job_of); or an exchange's job id,
    written as the `suanli_job` label."""
    dialect: str
    replay_source: int  # index of the GPU a replay copies (itself: its own earlier day); else -1


def build_fleet(
    scenario: str, gpus: int, seed: int, site: str, model: str, job: str | None = None
) -> tuple[Gpu, ...]:
    """`gpus` GPUs, 8 per node, with the scenario's patterns and deterministic UUIDs; all of
    them running `job` when given, else a pod of their own pattern and node."""
    if scenario not in SCENARIOS:
        raise UnknownNameError("scenario", scenario, list(SCENARIOS))
    if gpus < 1:
        raise InvalidValueError(f"gpus must be at least 1, got {gpus}")
    rng = np.random.default_rng([seed, 1])
    patterns = [
        MIXED_CYCLE[i % len(MIXED_CYCLE)] if scenario == "mixed" else scenario for i in range(gpus)
    ]
    sources = _replay_sources(patterns)
    mixed = scenario == "mixed"
    fleet = (
        _gpu(index, pattern, site, model, rng, sources[index], mixed)
        for index, pattern in enumerate(patterns)
    )
    return tuple(fleet if job is None else (replace(g, job=job) for g in fleet))


def _gpu(
    index: int,
    pattern: str,
    site: str,
    model: str,
    rng: np.random.Generator,
    source: int,
    mixed: bool,
) -> Gpu:
    node_index = index // GPUS_PER_NODE
    node = f"{site}-n{node_index:03d}"
    return Gpu(
        index=index,
        site=site,
        node=node,
        uuid=f"GPU-{uuid.UUID(bytes=rng.bytes(16))}",
        model=model,
        pattern=pattern,
        job=f"tenant-a/{pattern}-{node}",
        dialect=DIALECTS[node_index % len(DIALECTS)] if mixed else DIALECTS[0],
        replay_source=source,
    )


def _replay_sources(patterns: list[str]) -> list[int]:
    """Every other replaying GPU copies a training GPU (when there is one); the rest copy their
    own earlier series."""
    training = [i for i, p in enumerate(patterns) if p == "training"]
    sources, replays = [], 0
    for index, pattern in enumerate(patterns):
        if pattern != "replay":
            sources.append(-1)
            continue
        other = training and replays % 2 == 0
        sources.append(training[(replays // 2) % len(training)] if other else index)
        replays += 1
    return sources
