"""The vectorised tokenizer: NumPy finds every line's parts at once, Arrow views them in place.

It handles the form every exporter writes, `name{labels} value[ timestamp]` with single spaces,
and returns None for a block it cannot cut that way (tabs, trailing blanks, value and timestamp
longer than `TAIL` bytes...); the caller then uses the line-by-line tokenizer, which also takes
blocks whose fast tokens fail to decode, so that errors name the right line.

Steps, all on whole arrays:
1. find line ends; classify lines as blank, comment (`#`) or sample;
2. in the last `TAIL` bytes of each sample line, find the last `}` and the last space;
3. view `name{labels}` in place (Arrow binary_view: no copy); copy out value and timestamp text.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from suanli.metering.blocks import SLACK, Block
from suanli.metering.tokens import Tokens

TAIL = 48
assert TAIL <= SLACK
LF, CR, TAB, SPACE, HASH, RBRACE, LBRACE = 10, 13, 9, 32, 35, 125, 123
_COLS = np.arange(TAIL)
_UNIT_OR_EOF = np.frombuffer(b"UE", np.uint8)  # "# UNIT ...", "# EOF": the comments that matter
_INLINE = np.arange(12)
Ints = NDArray[np.int64]


def tokenize_fast(block: Block) -> Tokens | None:
    """The block's tokens, or None when a line needs the careful tokenizer."""
    if block.buffer.find(b"\t", block.lo, block.hi) >= 0:
        return None
    starts, stops, kinds = _lines(block)
    data = kinds == 2
    s, e = starts[data], stops[data]
    split = _split(block.array, s, e)
    if split is None:
        return None
    cut, vend, has_ts = split
    value, ts = _value_columns(block, cut + 1, vend, np.minimum(vend + 1, e), e)
    comments = np.flatnonzero(kinds == 1)
    comments = comments[np.isin(block.array[starts[comments] + 2], _UNIT_OR_EOF)]
    filled = np.flatnonzero(kinds)
    return Tokens(
        lines=len(starts),
        last=int(filled[-1]) if len(filled) else -1,
        line=np.flatnonzero(data),
        prefix=views(block, s, cut),
        value=value,
        ts=ts,
        has_ts=has_ts,
        comment_line=comments,
        comment=views(block, starts[comments], stops[comments]),
    )


def _lines(block: Block) -> tuple[Ints, Ints, NDArray[np.int8]]:
    """Start, stop (before any CR) and kind (0 blank, 1 comment, 2 sample) of every line."""
    a = block.array
    ends = np.flatnonzero(a[block.lo : block.hi] == LF) + block.lo
    starts = np.empty_like(ends)
    starts[0] = block.lo
    starts[1:] = ends[:-1] + 1
    stops = ends
    if block.buffer.find(b"\r", block.lo, block.hi) >= 0:
        stops = np.maximum(ends - (a[ends - 1] == CR), starts)
    kinds = np.where(a[starts] == HASH, 1, 2).astype(np.int8)
    kinds[stops == starts] = 0
    return starts, stops, kinds


def _split(a: NDArray[np.uint8], s: Ints, e: Ints) -> tuple[Ints, Ints, NDArray[np.bool_]] | None:
    """Prefix end, value end and has-timestamp of each line; None unless `prefix v[ t]`.

    Looking back from each line's end: the last `}` ends the label set (nothing after it can hold
    one), the last space starts the timestamp unless it is the one right after the prefix. A
    value with blanks inside fails to parse later and sends the block to the careful tokenizer.
    """
    back = sliding_window_view(a, TAIL)[e - TAIL][:, ::-1]
    rows = np.arange(len(e))
    to_brace = np.argmax(back == RBRACE, axis=1)
    to_space = np.argmax(back == SPACE, axis=1)
    brace = e - 1 - to_brace
    labelled = (back[rows, to_brace] == RBRACE) & (brace >= s)
    cut = brace + 1
    if not labelled.all():
        bare = _bare_prefix_ends(a, s[~labelled])
        if bare is None:
            return None
        cut[~labelled] = bare
    space = e - 1 - to_space
    ok = (back[rows, to_space] == SPACE) & (to_space > 0) & (space >= cut) & (a[cut] == SPACE)
    has_ts = space > cut
    vend = np.where(has_ts, space, e)
    if not (ok & (vend > cut + 1)).all():
        return None
    return cut, vend, has_ts


def _bare_prefix_ends(a: NDArray[np.uint8], s: Ints) -> Ints | None:
    """Where a label-less `name` ends: its first space (no `{` before it, within `TAIL`)."""
    head = sliding_window_view(a, TAIL)[s]
    space = np.argmax(head == SPACE, axis=1)
    found = head[np.arange(len(s)), space] == SPACE
    no_brace = ~((head == LBRACE) & (space[:, None] > _COLS)).any(axis=1)
    return s + space if (found & no_brace).all() else None


def _value_columns(
    block: Block, vs: Ints, ve: Ints, ts: Ints, te: Ints
) -> tuple[pa.Array, pa.Array]:
    """Copy value and timestamp text out of the buffer, through one interleaved string array."""
    n = len(vs)
    offsets = np.empty(4 * n + 1, np.int32)
    for k, column in enumerate((vs, ve, ts, te)):
        offsets[k : 4 * n : 4] = column
    offsets[-1] = te[-1] if n else block.lo
    parts = pa.Array.from_buffers(
        pa.string(), 4 * n, [None, pa.py_buffer(offsets), pa.py_buffer(block.buffer)]
    )
    pick = pa.array(np.arange(0, 4 * n, 4, dtype=np.int32))
    return parts.take(pick), parts.take(pa.array(pick.to_numpy() + 2))


def views(block: Block, s: Ints, e: Ints) -> pa.Array:
    """Arrow binary_view of bytes `s[i]:e[i]` of the block, without copying long ones."""
    n = len(s)
    length = (e - s).astype(np.int32)
    packed = np.empty((n, 4), np.int32)
    packed[:, 0] = length
    if (length > 12).all():  # the usual case: a 4-byte prefix, buffer 0, offset
        packed[:, 1] = _unaligned_int32(block.buffer)[s]
        packed[:, 2] = 0
        packed[:, 3] = s
    else:
        raw = sliding_window_view(block.array, 12)[s] * (length[:, None] > _INLINE)
        packed.view(np.uint8)[:, 4:] = raw
        long = length > 12
        packed[long, 2] = 0
        packed[long, 3] = s[long]
    buffers = [None, pa.py_buffer(packed), pa.py_buffer(block.buffer)]
    return pa.Array.from_buffers(pa.binary_view(), n, buffers)


def _unaligned_int32(buffer: bytearray) -> NDArray[np.int32]:
    """Every 4-byte window of the buffer as an int32, one per byte offset."""
    return np.ndarray((len(buffer) - 3,), np.int32, buffer, 0, (1,))
