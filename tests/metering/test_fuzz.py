"""Whatever bytes a file holds, the parser stores them or raises `DataFileError`, never anything
else; and the fast and careful tokenizers read well-formed text alike."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
from hypothesis import HealthCheck, given, settings

from suanli.errors import DataFileError
from suanli.metering.columns import SeriesTable
from suanli.metering.exposition import ParseOptions, parse_exposition
from suanli.metering.ingest import parse_file

from .helpers import T0, line

FUZZ = settings(
    max_examples=int(os.environ.get("SUANLI_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
NAMES = [
    "DCGM_FI_DEV_POWER_USAGE",
    "DCGM_FI_PROF_SM_ACTIVE",
    "DCGM_FI_DEV_GPU_UTIL",
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total",
    "DCGM_FI_PROF_DRAM_ACTIVE_RATIO",
    "x",
]
VALUES = ["1", "0.5", "75", "NaN", "+Inf", "-Inf", "9223372036854775792", "1e400", "-0", "abc", ""]
STAMPS = [str(T0), "1751328000.5", "1751328000", "-1", "", "9" * 25, "1e3"]
FRAGMENTS = [
    "\n",
    "\r\n",
    "\t",
    " ",
    "{",
    "}",
    '"',
    "\\",
    "=",
    ",",
    "#",
    "# EOF\n",
    "# UNIT x y\n",
    "# TYPE x counter\n",
    'UUID="',
    "site=",
    "\x00",
    "é",
    "_total",
    "\\n",
]

good_lines = st.builds(
    lambda n, v, t: line(n, v, t),
    st.sampled_from(NAMES),
    st.sampled_from(VALUES),
    st.sampled_from(STAMPS),
)
chunks = st.one_of(
    good_lines.map(lambda s: s + "\n"),
    st.sampled_from(FRAGMENTS),
    st.text(max_size=6),
)


def _parse(data: bytes, name: str, block: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        options = ParseOptions(site="s1", default_ts_ms=T0, block_bytes=block)
        with contextlib.suppress(DataFileError):
            parse_file(path, SeriesTable(), options)


@FUZZ
@given(
    st.lists(chunks, max_size=30),
    st.sampled_from(["m.prom", "m.om"]),
    st.sampled_from([64, 300, 1 << 20]),
)
def test_any_text_parses_or_raises_data_file_error(parts, name, block):
    _parse("".join(parts).encode("utf-8", "surrogatepass"), name, block)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([64, 1 << 20]))
def test_any_bytes_parse_or_raise_data_file_error(data, block):
    _parse(data, "m.prom", block)


@FUZZ
@given(st.data())
def test_mutated_valid_files_parse_or_raise_data_file_error(data):
    text = "\n".join(line(n, "0.5", T0 + i) for i, n in enumerate(NAMES[:4])) + "\n"
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        text = text[:at] + data.draw(st.sampled_from([*FRAGMENTS, "", "9"])) + text[at + cut :]
    _parse(text.encode("utf-8", "surrogatepass"), "m.prom", 128)


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(NAMES[:3]), st.integers(0, 10**6), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["\t", "  ", " \t "]),
)
def test_fast_and_careful_tokenizers_agree(rows, blank):
    plain = "\n".join(
        line(n, str(v / 1000), T0 + i if ts else None) for i, (n, v, ts) in enumerate(rows)
    )
    spaced = plain.replace("} ", "}" + blank).replace(" 17", blank + "17")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("fast.prom", plain), ("careful.prom", spaced)):
            path = Path(tmp) / name
            path.write_text(text + "\n")
            options = ParseOptions(default_ts_ms=T0 - 1, block_bytes=256)
            results.append(parse_exposition(path, SeriesTable(), options)[0])
    fast, careful = results
    for column in ("field", "ts_ms", "value", "series"):
        assert np.array_equal(getattr(fast, column), getattr(careful, column)), column
