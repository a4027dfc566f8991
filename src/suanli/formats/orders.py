"""Orders files (`suanli.orders/v1`, YAML or JSON): a book of buy and sell orders for GPU-hours.

They go through the steps of `suanli.formats.files` (parse with lines, JSON Schema
`schemas/orders.schema.json`, semantic checks, build), so every problem is reported at once as
`FILE:LINE: field: message`. The only semantic check is that ids are unique. The result is a
tuple of `OrderSpec`s in file order, which is time priority; the market room turns them into
its orders (formats sits below market and cannot name them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from suanli.errors import Problem
from suanli.formats.common_checks import check_unique
from suanli.formats.files import FilePath, _built, _checked, _loaded
from suanli.formats.report import Report, items
from suanli.formats.report import text as text_field
from suanli.formats.source import read_text


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """One order as the file states it."""

    id: str
    side: str
    """"buy" or "sell"."""
    product: str
    gpu_hours: float
    limit_yuan_per_gpu_hour: float
    all_or_nothing: bool = False


def validate_orders_file(path: FilePath) -> list[Problem]:
    """Every problem of the orders file at `path`, sorted by line; empty when it is valid."""
    return _orders(read_text(path), os.fspath(path))[1]


def load_orders(path: FilePath) -> tuple[OrderSpec, ...]:
    """The orders in `path`, in file order; raises `InvalidFileError` listing every problem."""
    return orders_from_text(read_text(path), os.fspath(path))


def orders_from_text(text: str, filename: str = "<orders>") -> tuple[OrderSpec, ...]:
    """The orders in `text` (YAML, or JSON when `filename` ends in `.json`)."""
    return _loaded(*_orders(text, filename))


def _orders(text: str, filename: str) -> tuple[tuple[OrderSpec, ...] | None, list[Problem]]:
    report = Report(filename)
    data = _checked(text, report, "orders")
    if data is not None:
        ids = [
            ((*path, "id"), text_field(report, path, o, "id")) for path, o in items(data, "orders")
        ]
        check_unique(report, "order", ids)
    return _built(report, data, _specs)


def _specs(data: Mapping[str, Any]) -> tuple[OrderSpec, ...]:
    return tuple(
        OrderSpec(
            id=o["id"],
            side=o["side"],
            product=o["product"],
            gpu_hours=float(o["gpu_hours"]),
            limit_yuan_per_gpu_hour=float(o["limit_yuan_per_gpu_hour"]),
            all_or_nothing=bool(o.get("all_or_nothing", False)),
        )
        for o in data.get("orders", [])
    )
