"""A block of exposition text cut into columns: what both tokenizers hand to the decoder."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class Tokens:
    """Sample lines as parallel columns, and the comment lines.

    `line` and `comment_line` are 0-based line indices within the block. `prefix` holds each
    sample's `name{labels}` bytes, `value` and `ts` its value and timestamp text (`ts` is ""
    where the line has none). Arrow arrays may view the block's buffer: decode them before the
    next block is read.
    """

    lines: int
    last: int  # index of the last non-blank line, -1 when all are blank
    line: NDArray[np.int64]
    prefix: pa.Array
    value: pa.Array
    ts: pa.Array
    has_ts: NDArray[np.bool_]
    comment_line: NDArray[np.int64]
    comment: pa.Array
