"""`suanli schema NAME`: the published JSON Schema of a file format."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from suanli.formats import SCHEMA_NAMES
from suanli.formats import schema as load_schema


def schema(
    name: str = typer.Argument(..., help=f"One of: {', '.join(SCHEMA_NAMES)}."),
    out_file: Path | None = typer.Option(None, "--out", help="Write to a file instead of stdout."),
) -> None:
    """Print the JSON Schema (draft 2020-12) of a file format; editors can use it to check files.

    Examples:

      suanli schema network

      suanli schema workload --out workload.schema.json
    """
    text = json.dumps(load_schema(name), indent=2, ensure_ascii=False) + "\n"
    if out_file:
        out_file.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
