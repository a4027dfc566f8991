"""Turn a file's token blocks into sample columns: codes, numbers, blanks dropped, shares scaled."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from suanli.errors import DataFileError
from suanli.metering.columns import FileStats, Samples, SeriesTable
from suanli.metering.fields import UNKNOWN, Scale
from suanli.metering.prefixes import PrefixCodes, PrefixError
from suanli.metering.tokens import Tokens
from suanli.metering.values import (
    BadTextError,
    blank_or_nonfinite,
    check_ts_range,
    scale_shares,
    to_float,
    to_ts_ms,
)

UNITS: dict[str, Scale] = {"ratio": "ratio", "percent": "percent"}


class FileDecoder:
    """Decode one file block by block; `finish` returns its samples and stats."""

    def __init__(
        self,
        file: str,
        openmetrics: bool,
        series: SeriesTable,
        site: str | None,
        default_ts_ms: int | None,
    ) -> None:
        self.file, self.openmetrics, self.default_ts_ms = file, openmetrics, default_ts_ms
        self.prefixes = PrefixCodes(series, site)
        self.stats = FileStats(file, "")
        self.parts: list[Samples] = []
        self.part_names: list[NDArray[np.int64]] = []
        self.units: dict[str, Scale] = {}
        self.eof_lines: list[int] = []
        self.last_line = 0

    def fail(self, line: int, message: str) -> DataFileError:
        return DataFileError(f"{self.file}:{line}: {message}")

    def add(self, tokens: Tokens, first: int) -> None:
        """Take one block whose first line is file line `first + 1`; all of it or, on an
        error, none of it."""
        eof_lines, units = self._comments(tokens, first)
        ends = [first + tokens.last + 1] if tokens.last >= 0 else []
        codes = self._codes(tokens, first)
        known = codes[:, 0] != UNKNOWN
        ignored = codes[~known, 2]
        if not known.all():
            tokens, codes = _select(tokens, known), codes[known]
        part, names = self._numbers(tokens, codes, first)
        self.eof_lines += eof_lines
        self.units.update(units)
        self.last_line = max([self.last_line, *ends])
        self.stats.samples += len(codes) + len(ignored)
        self.stats.dropped_blank += len(codes) - len(part)
        self._ignore(ignored)
        self.parts.append(part)
        self.part_names.append(names)

    def _codes(self, tokens: Tokens, first: int) -> NDArray[np.int64]:
        try:
            return self.prefixes.codes(tokens.prefix)
        except PrefixError as exc:
            raise self.fail(first + int(tokens.line[exc.index]) + 1, str(exc)) from None

    def _numbers(
        self, tokens: Tokens, codes: NDArray[np.int64], first: int
    ) -> tuple[Samples, NDArray[np.int64]]:
        try:
            value = to_float(tokens.value)
            ts = self._timestamps(tokens)
        except BadTextError as exc:
            raise self.fail(first + int(tokens.line[exc.index]) + 1, str(exc)) from None
        bad = check_ts_range(ts)
        if bad is not None:
            raise self.fail(first + int(tokens.line[bad]) + 1, _range_message(int(ts[bad])))
        keep = ~blank_or_nonfinite(value)
        codes = codes[keep]
        part = Samples(
            codes[:, 1].astype(np.int32), codes[:, 0].astype(np.int8), ts[keep], value[keep]
        )
        return part, codes[:, 2]

    def _timestamps(self, tokens: Tokens) -> NDArray[np.int64]:
        if tokens.has_ts.all():
            return to_ts_ms(tokens.ts, self.openmetrics)
        if self.default_ts_ms is None:
            index = int(np.argmin(tokens.has_ts))
            raise BadTextError(index, "sample has no timestamp; give the scrape time (--at)")
        ts = np.full(len(tokens.has_ts), self.default_ts_ms, np.int64)
        stamped = np.flatnonzero(tokens.has_ts)
        if len(stamped):
            try:
                ts[stamped] = to_ts_ms(tokens.ts.take(pa.array(stamped)), self.openmetrics)
            except BadTextError as exc:
                raise BadTextError(int(stamped[exc.index]), str(exc)) from None
        return ts

    def _ignore(self, names: NDArray[np.int64]) -> None:
        if not len(names):
            return
        counts = np.bincount(names)
        for code in np.flatnonzero(counts):
            self.stats.ignored_names[self.prefixes.names[code]] += int(counts[code])

    def _comments(self, tokens: Tokens, first: int) -> tuple[list[int], dict[str, Scale]]:
        """Lines of `# EOF` and the scales `# UNIT` lines declare; other comments are ignored."""
        eof: list[int] = []
        units: dict[str, Scale] = {}
        if len(tokens.comment) == 0:
            return eof, units
        encoded = tokens.comment.dictionary_encode()
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        for k, text in enumerate(encoded.dictionary.to_pylist()):
            words = text.split()
            if words == [b"#", b"EOF"]:
                eof += [first + int(n) + 1 for n in tokens.comment_line[indices == k]]
            elif words[:2] == [b"#", b"UNIT"] and len(words) == 4:
                unit = UNITS.get(words[3].decode("utf-8", "replace"))
                if unit:
                    units[words[2].decode("utf-8", "replace")] = unit
        return eof, units

    def finish(self) -> tuple[Samples, FileStats]:
        """The file's samples, shares brought to 0–1, and what happened to its lines."""
        for line in self.eof_lines:
            if line != self.last_line:
                raise self.fail(line, "'# EOF' must be the last line (OpenMetrics)")
        samples = Samples.concat(self.parts)
        if self.part_names:
            samples = self._scale_shares(samples, np.concatenate(self.part_names))
        self.stats.stored = len(samples)
        return samples, self.stats

    def _scale_shares(self, samples: Samples, names: NDArray[np.int64]) -> Samples:
        declared = [self._declared(code) for code in range(len(self.prefixes.names))]
        scaled, dropped = scale_shares(samples, names, self.prefixes.name_fields, declared)
        self.stats.dropped_out_of_range += dropped
        return scaled

    def _declared(self, code: int) -> Scale | None:
        name = self.prefixes.names[code]
        unit = self.units.get(name) or self.units.get(name.removesuffix("_total"))
        return unit or self.prefixes.name_scales[code]


def _select(tokens: Tokens, rows: NDArray[np.bool_]) -> Tokens:
    """The tokens of `rows` only; `prefix` is left whole (it is decoded before this)."""
    mask = pa.array(rows)
    return replace(
        tokens,
        line=tokens.line[rows],
        value=tokens.value.filter(mask),
        ts=tokens.ts.filter(mask),
        has_ts=tokens.has_ts[rows],
    )


def _range_message(ts_ms: int) -> str:
    return (
        f"timestamp {ts_ms} is outside 2000–2100 as milliseconds (0.0.4 uses ms; OpenMetrics "
        "files, ending with '# EOF', use seconds)"
    )
