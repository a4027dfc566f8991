import os
from pathlib import Path

import pytest

DEFAULT_TRACE_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "traces"


@pytest.fixture(scope="session")
def trace_dir() -> Path:
    """The public traces: `SUANLI_TRACE_DIR`, else ../shared/data/traces; skips when absent."""
    path = Path(os.environ.get("SUANLI_TRACE_DIR", DEFAULT_TRACE_DIR))
    if not path.is_dir():
        pytest.skip(f"public traces not found at {path}; set SUANLI_TRACE_DIR to run trace tests")
    return path
