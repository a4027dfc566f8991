"""Parse a dcgm-exporter exposition file (Prometheus text 0.0.4 or OpenMetrics 1.0) into columns.

A file whose last line is `# EOF` is OpenMetrics 1.0 (timestamps in float seconds, counters
ending in `_total`, `# UNIT` lines honoured); any other is 0.0.4 (integer milliseconds).
Block by block: tokenize (fast, else careful), decode each distinct `name{labels}` once, cast the
value and timestamp columns, drop blanks; at the end bring share fields to 0–1.
Every malformed line raises `DataFileError` as `FILE:LINE: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from suanli.errors import DataFileError
from suanli.metering.blocks import BLOCK_BYTES, Block, read_blocks
from suanli.metering.columns import FileStats, Samples, SeriesTable
from suanli.metering.decode import FileDecoder
from suanli.metering.tokenize_fast import tokenize_fast
from suanli.metering.tokenize_slow import LineError, tokenize_slow

OPENMETRICS = "openmetrics-1.0"
PROMETHEUS = "prometheus-0.0.4"


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """`site` for samples without a site label; `default_ts_ms` for samples without a timestamp
    (a scrape saved as is); `block_bytes` how much text to tokenize at once."""

    site: str | None = None
    default_ts_ms: int | None = None
    block_bytes: int = BLOCK_BYTES


def parse_exposition(
    path: Path, series: SeriesTable, options: ParseOptions = ParseOptions()
) -> tuple[Samples, FileStats]:
    """All samples of the file, their reporters registered in `series`."""
    openmetrics = is_openmetrics(path)
    decoder = FileDecoder(str(path), openmetrics, series, options.site, options.default_ts_ms)
    first = 0
    for block in read_blocks(path, options.block_bytes):
        first += _add_block(block, decoder, first)
    samples, stats = decoder.finish()
    stats.format = OPENMETRICS if openmetrics else PROMETHEUS
    stats.lines = first
    return samples, stats


def _add_block(block: Block, decoder: FileDecoder, first: int) -> int:
    """Decode one block, fast when it can; returns its line count."""
    tokens = tokenize_fast(block)
    if tokens is not None:
        try:
            decoder.add(tokens, first)
            return tokens.lines
        except DataFileError:
            pass  # the careful tokenizer either reads the block or names the bad line
    try:
        tokens = tokenize_slow(block)
    except LineError as exc:
        raise DataFileError(f"{decoder.file}:{first + exc.index + 1}: {exc}") from None
    decoder.add(tokens, first)
    return tokens.lines


def is_openmetrics(path: Path) -> bool:
    """True when the file's last non-blank line is `# EOF`."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - 256))
            tail = handle.read().rstrip()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror}") from None
    last = tail.rsplit(b"\n", 1)[-1].rstrip(b"\r \t")
    return last == b"# EOF"
