"""Read a text file in blocks of whole lines into one reused buffer, for the vectorised parser.

Each block sits in the buffer after `SLACK` zero bytes, so a fixed-width window that ends at a
line's end never reaches before the buffer; it always ends with a line feed (one is added after
a last line that lacks it). A line longer than the block size grows the buffer.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from suanli.errors import DataFileError

SLACK = 64
BLOCK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Block:
    """Bytes `lo:hi` of `buffer` (viewed as `array`) hold whole lines; valid until the next."""

    buffer: bytearray
    array: NDArray[np.uint8]
    lo: int
    hi: int


def read_blocks(path: Path, size: int = BLOCK_BYTES) -> Iterator[Block]:
    """Yield the file's lines block by block."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        yield from _blocks(handle, size)


def _blocks(handle: io.BufferedIOBase, size: int) -> Iterator[Block]:
    buffer = bytearray(SLACK + 2 * size + SLACK)
    carry = 0
    while True:
        if len(buffer) < SLACK + carry + size + SLACK:  # a new buffer: the old may still be viewed
            buffer = buffer + bytes(SLACK + carry + size + SLACK - len(buffer))
        with memoryview(buffer) as view:
            got = handle.readinto(view[SLACK + carry : SLACK + carry + size])
        end = SLACK + carry + got
        if got == 0:
            if carry:
                buffer[end] = 0x0A
                yield _block(buffer, end + 1)
            return
        cut = buffer.rfind(b"\n", SLACK, end) + 1
        if cut == 0:  # no line end yet: a line longer than the block, read on
            carry += got
            continue
        yield _block(buffer, cut)
        buffer[SLACK : SLACK + end - cut] = buffer[cut:end]
        carry = end - cut


def _block(buffer: bytearray, hi: int) -> Block:
    return Block(buffer, np.frombuffer(buffer, np.uint8), SLACK, hi)
