"""`suanli market ...`: clear books of GPU-hour orders as call markets (issue 10)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from suanli.cli.output import SHOWN_ROWS, emit_json, out, table
from suanli.formats.orders import OrderSpec, load_orders
from suanli.market.clearing import Order, Rule, Side, clear

app = typer.Typer(help="Clear books of GPU-hour orders as call markets.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON object on stdout instead of tables.")


def orders_of(specs: Iterable[OrderSpec]) -> list[Order]:
    """The market's orders for the orders file's entries, in file order (time priority)."""
    return [
        Order(
            id=s.id,
            side=Side(s.side),
            product=s.product,
            quantity=s.gpu_hours,
            limit=s.limit_yuan_per_gpu_hour,
            all_or_nothing=s.all_or_nothing,
        )
        for s in specs
    ]


@app.command(name="clear")
def clear_command(
    file: Path = typer.Argument(..., help="Orders file (.yaml, .yml or .json)."),
    rule: Rule = typer.Option(
        Rule.UNIFORM,
        help="uniform: one price per product, the midpoint of its clearing interval; mcafee: "
        "McAfee's truthful trade reduction (whole GPU-hours only).",
    ),
    time_limit: float = typer.Option(
        10.0,
        "--time-limit",
        help="Seconds HiGHS may use in all on products with all-or-nothing orders.",
    ),
    show_all: bool = typer.Option(
        False, "--all", help=f"List every row; tables show the first {SHOWN_ROWS} otherwise."
    ),
    as_json: bool = JSON,
) -> None:
    """Clear an orders file: one price per product, the fills, the trades, and why each order
    left with nothing got nothing.

    Orders at the same limit fill in file order. Products with an all-or-nothing order are
    cleared by a MILP (method milp) whatever the rule.

    Examples:

      suanli market clear orders.yaml

      suanli market clear orders.json --rule mcafee --json
    """
    orders = orders_of(load_orders(file))
    report = clear(orders, rule, time_limit_s=time_limit).to_dict()
    if as_json:
        emit_json(report)
        return
    print_clearing(report, limit=None if show_all else SHOWN_ROWS)


def print_clearing(report: dict[str, Any], limit: int | None = SHOWN_ROWS) -> None:
    """Products, fills, trades and unfilled orders as tables (the first `limit` rows of each)."""
    rows = [
        [
            name,
            p["method"] + ("" if p["optimal"] else " (time limit)"),
            _yuan(p["price_yuan_per_gpu_hour"]),
            _yuan(p["seller_price_yuan_per_gpu_hour"]),
            p["traded_gpu_hours"],
            _interval(p["interval_yuan_per_gpu_hour"]),
        ]
        for name, p in report["products"].items()
    ]
    columns = ["product", "method", "buyer yuan/GPU-h", "seller yuan/GPU-h", "GPU-h", "interval"]
    out.print(table(f"Products ({len(rows)})", columns, rows, limit))
    rows = [[f["order"], f["gpu_hours"], f["price_yuan_per_gpu_hour"]] for f in report["fills"]]
    out.print(table(f"Fills ({len(rows)})", ["order", "GPU-h", "yuan/GPU-h"], rows, limit))
    rows = [
        [
            t["buy"],
            t["sell"],
            t["product"],
            t["gpu_hours"],
            t["buyer_price_yuan_per_gpu_hour"],
            t["seller_price_yuan_per_gpu_hour"],
        ]
        for t in report["trades"]
    ]
    columns = ["buy", "sell", "product", "GPU-h", "buyer yuan/GPU-h", "seller yuan/GPU-h"]
    out.print(table(f"Trades ({len(rows)})", columns, rows, limit))
    if report["unfilled"]:
        rows = [[u["order"], u["reason"]] for u in report["unfilled"]]
        out.print(table(f"Unfilled ({len(rows)})", ["order", "reason"], rows, limit))


def _yuan(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _interval(interval: list[float] | None) -> str:
    return "-" if interval is None else f"{interval[0]:,.2f} .. {interval[1]:,.2f}"
