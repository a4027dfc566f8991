"""The careful tokenizer: one regular expression per line, for blocks the fast one declines.

It accepts leading blanks (so `  # HELP` is a comment), tabs and runs of blanks between tokens,
and trailing blanks, and names the first line that is not `name[{labels}] value [timestamp]`
(raising `LineError` with its block index).
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

from suanli.metering.blocks import Block
from suanli.metering.tokens import Tokens

LINE = re.compile(rb"([^ \t{]+(?:\{.*\})?)[ \t]+([^ \t]+)(?:[ \t]+([^ \t]+))?[ \t]*")


class LineError(ValueError):
    """A line that is not a sample; `index` is its 0-based line index in the block."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def tokenize_slow(block: Block) -> Tokens:
    """The block's tokens; raises `LineError` at the first malformed line."""
    lines = bytes(block.buffer[block.lo : block.hi - 1]).split(b"\n")
    samples = _Columns()
    comments = _Columns()
    last = -1
    for index, raw in enumerate(lines):
        line = raw.removesuffix(b"\r").lstrip(b" \t")
        if not line.rstrip(b" \t"):
            continue
        last = index
        if line.startswith(b"#"):
            comments.add(index, line)
            continue
        match = LINE.fullmatch(line)
        if match is None:
            raise LineError(
                index, f"expected 'name{{labels}} value [timestamp]', got {_show(line)}"
            )
        prefix, value, ts = match.groups()
        samples.add(index, prefix, value, ts or b"")
    return _tokens(len(lines), last, samples, comments)


class _Columns:
    def __init__(self) -> None:
        self.index: list[int] = []
        self.parts: list[tuple[bytes, ...]] = []

    def add(self, index: int, *parts: bytes) -> None:
        self.index.append(index)
        self.parts.append(parts)

    def column(self, k: int, text: bool = False) -> pa.Array:
        array = pa.array([p[k] for p in self.parts], pa.binary())
        return array.cast(pa.string(), safe=False) if text else array


def _tokens(count: int, last: int, samples: _Columns, comments: _Columns) -> Tokens:
    ts = samples.column(2, text=True)
    return Tokens(
        lines=count,
        last=last,
        line=np.array(samples.index, np.int64),
        prefix=samples.column(0),
        value=samples.column(1, text=True),
        ts=ts,
        has_ts=np.array([p[2] != b"" for p in samples.parts], np.bool_),
        comment_line=np.array(comments.index, np.int64),
        comment=comments.column(0),
    )


def _show(line: bytes) -> str:
    text = line.decode("utf-8", "replace")
    return repr(text if len(text) <= 60 else text[:57] + "...")
