"""Constraint block (5) of the MILP (`milp`): replica cover cuts, valid for integer replicas.

For a set K of routes, with Q_K the pairs they leave from and D_K the demand of the rows they
serve, constraints (3) and (4) give

    Σ_{Q_K} μ_sp y_sp ≥ Σ_K z_spr = D_K − U_K,      U_K = D_K − Σ_K z_spr ≥ 0 (unserved via K).

Divided by δ = max_{Q_K} μ_sp, with b = D_K / δ, f = b − ⌊b⌋ > 0, the mixed-integer rounding
(MIR) inequality of that row holds for every integer y:

    Σ_{Q_K} G(μ_sp / δ) y_sp + U_K / (δ f) ≥ ⌈b⌉,        G(a) = ⌊a⌋ + min((a − ⌊a⌋) / f, 1)

and is added, times −δ f, as

    (5)  Σ_K z_spr − δ f Σ_{Q_K} G(μ_sp / δ) y_sp ≤ D_K − δ f ⌈b⌉

for K = each route (for d ≤ μ: z_spr ≤ d_sr y_sp, the strong form of facility location), the
routes into each demand row, and the routes of each service. They cut off fractional replicas:
without them the LP buys 1.13 replicas for a load of 1.13 μ where 2 are needed. (The routes of
each pair make valid covers too, but on the reference network they raised the LP bound by
< 0.1 % for 10 % more rows; the service covers close most of the gap.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.placement.costs import Floats, Ints
from suanli.placement.services import ServiceTable

MIN_FRACTION = 1e-3
"""Covers whose b is this close to an integer give (nearly) the aggregate of (3): left out."""


@dataclass(frozen=True, slots=True)
class CoverRows:
    """Rows of block (5): coefficients on z (per route) and y (per pair), and upper bounds."""

    z_rows: Ints
    z_routes: Ints
    y_rows: Ints
    y_pairs: Ints
    y_vals: Floats
    upper: Floats


def _mir_coefficient(a: Floats, f: Floats) -> Floats:
    floor = np.floor(a)
    coefficient: Floats = floor + np.minimum((a - floor) / f, 1.0)
    return coefficient


def cover_rows(s: ServiceTable, first_row: int) -> CoverRows:
    """Block (5) for every cover kind of the module docstring, rows numbered from `first_row`."""
    kinds = [np.arange(s.route_sp.size), s.route_sr, s.sp_s[s.route_sp]]
    parts = []
    for labels in kinds:
        part = _covers(s, labels.astype(np.int64), first_row)
        first_row += part.upper.size
        parts.append(part)
    return CoverRows(
        z_rows=np.concatenate([p.z_rows for p in parts]),
        z_routes=np.concatenate([p.z_routes for p in parts]),
        y_rows=np.concatenate([p.y_rows for p in parts]),
        y_pairs=np.concatenate([p.y_pairs for p in parts]),
        y_vals=np.concatenate([p.y_vals for p in parts]),
        upper=np.concatenate([p.upper for p in parts]),
    )


def _distinct(label: Ints, member: Ints, size: int) -> tuple[Ints, Ints]:
    """Distinct (cover, member) pairs of routes' labels and members (rows or pairs)."""
    width = max(1, size)
    keys = np.unique(label * width + member)
    return keys // width, keys % width


def _covers(s: ServiceTable, label: Ints, first_row: int) -> CoverRows:
    """The covers K = routes sharing a label."""
    n = int(label.max()) + 1 if label.size else 0
    row_cover, row = _distinct(label, s.route_sr, s.sr_s.size)
    total = np.bincount(row_cover, s.demand[s.sr_s, s.sr_r][row], n)
    pair_cover, pair = _distinct(label, s.route_sp, s.sp_s.size)
    mu = s.rps[s.sp_s[pair], s.sp_p[pair]]
    delta = np.zeros(n)
    np.maximum.at(delta, pair_cover, mu)
    safe = np.where(delta > 0, delta, 1.0)
    b = total / safe
    f = b - np.floor(b)
    keep = (delta > 0) & (f >= MIN_FRACTION)
    f = np.where(keep, f, 1.0)
    row_number = np.cumsum(keep) - 1 + first_row
    z_on, y_on = keep[label], keep[pair_cover]
    c = pair_cover[y_on]
    return CoverRows(
        z_rows=row_number[label[z_on]],
        z_routes=np.flatnonzero(z_on),
        y_rows=row_number[c],
        y_pairs=pair[y_on],
        y_vals=-delta[c] * f[c] * _mir_coefficient(mu[y_on] / safe[c], f[c]),
        upper=(total - delta * f * np.ceil(b))[keep],
    )
