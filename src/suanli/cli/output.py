"""How commands print: results on stdout (JSON with --json, else Rich tables), notes on stderr."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from suanli.errors import InvalidFileError, Problem

PIPE_WIDTH = 120
"""Width of tables written to a file or pipe, where Rich would otherwise assume 80 columns."""

SHOWN_ROWS = 20
"""Long tables show this many rows, and say so, unless the command was asked for --all."""

out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:
    out.width = max(out.width, PIPE_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    """One JSON document on stdout, stable key order as built."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


SEE_ALL = "use --all or --json to see all"


def table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    limit: int | None = None,
    see_all: str = SEE_ALL,
) -> Table:
    """A Rich table; numeric columns are right-aligned, never wrapped, thousands-separated.

    With `limit`, only the first `limit` rows are shown, and a caption says how to see all.
    """
    body = [list(row) for row in rows]
    total, body = len(body), body[:limit]
    caption = None
    if len(body) < total:
        caption = f"showing {len(body)} of {total:,} rows; {see_all}"
    t = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        caption=caption,
        caption_justify="left",
    )
    for i, name in enumerate(columns):
        numeric = bool(body) and all(isinstance(row[i], int | float) for row in body)
        t.add_column(name, justify="right" if numeric else "left", no_wrap=numeric)
    for row in body:
        t.add_row(*(_cell(v) for v in row))
    return t


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def matrix_table(title: str, rows: Mapping[str, Mapping[str, int]], corner: str) -> Table:
    """A table of counts, rows × columns, with totals on both sides."""
    columns = list(dict.fromkeys(c for row in rows.values() for c in row))
    body = [
        [name, *(row.get(c, 0) for c in columns), sum(row.values())] for name, row in rows.items()
    ]
    totals = [sum(row.get(c, 0) for row in rows.values()) for c in columns]
    body.append(["total", *totals, sum(totals)])
    return table(title, [corner, *columns, "total"], body)


def report_validation(file: object, problems: Sequence[Problem], as_json: bool) -> None:
    """`valid` on stderr, or every problem (one line each, or one JSON object) and exit 2."""
    if as_json:
        rows = [{"line": p.line, "field": p.field, "message": p.message} for p in problems]
        emit_json({"file": str(file), "valid": not problems, "problems": rows})
        if problems:
            raise typer.Exit(2)
    elif problems:
        raise InvalidFileError(list(problems))
    else:
        err.print(f"{file}: valid")
