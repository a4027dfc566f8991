"""Where the public traces are: `SUANLI_TRACE_DIR`, else `../shared/data/traces`."""

from __future__ import annotations

import os
from pathlib import Path

from suanli.errors import DataFileError

DEFAULT_TRACE_DIR = Path("..") / "shared" / "data" / "traces"


def trace_dir() -> Path:
    """The trace folder named by `SUANLI_TRACE_DIR` (default `../shared/data/traces`)."""
    return Path(os.environ.get("SUANLI_TRACE_DIR", DEFAULT_TRACE_DIR))


def trace_file(relative: str) -> Path:
    """A file inside the trace folder; a clear error when it is not there."""
    path = trace_dir() / relative
    if not path.is_file():
        raise DataFileError(
            f"trace file {path} not found; set SUANLI_TRACE_DIR to the folder holding the "
            "public traces (see shared/data/traces/SOURCES.md) or pass the file explicitly"
        )
    return path
