"""What each distinct `name{labels}` of a file means: field, reporter and source-name codes.

A dcgm-exporter file repeats a few hundred distinct prefixes over and over, so each is parsed once
and remembered; per sample only integer codes are looked up, column-wise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from suanli.metering.columns import SeriesTable
from suanli.metering.fields import UNKNOWN, Scale, match_name
from suanli.metering.identity import IdentityError, series_of
from suanli.metering.labels import LabelError, parse_prefix


class PrefixError(ValueError):
    """A prefix that cannot be decoded; `index` is the position of its first sample."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


@dataclass(slots=True)
class PrefixCodes:
    """Prefix bytes -> (field code, series code, source-name code), remembered per file."""

    series: SeriesTable
    site: str | None
    names: list[str] = field(default_factory=list)
    name_fields: list[int] = field(default_factory=list)
    name_scales: list[Scale | None] = field(default_factory=list)
    _names: dict[str, int] = field(default_factory=dict)
    _known: dict[bytes, tuple[int, int, int]] = field(default_factory=dict)

    def codes(self, prefixes: pa.Array) -> NDArray[np.int64]:
        """An (n, 3) array of codes for a column of prefixes; `PrefixError` names the first bad."""
        encoded = prefixes.dictionary_encode()
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        table = np.empty((len(encoded.dictionary), 3), np.int64)
        for k, prefix in enumerate(encoded.dictionary.to_pylist()):
            try:
                table[k] = self._code(prefix)
            except (LabelError, IdentityError, UnicodeDecodeError) as exc:
                raise PrefixError(int(np.argmax(indices == k)), _message(exc)) from None
        return table[indices]  # type: ignore[no-any-return]

    def _code(self, prefix: bytes) -> tuple[int, int, int]:
        known = self._known.get(prefix)
        if known is None:
            known = self._known[prefix] = self._decode(prefix.decode("utf-8"))
        return known

    def _decode(self, prefix: str) -> tuple[int, int, int]:
        name, labels = parse_prefix(prefix)
        match = match_name(name)
        if match.code == UNKNOWN:
            return UNKNOWN, -1, self._name(name, UNKNOWN, None)
        series = self.series.add(series_of(labels, self.site))
        return match.code, series, self._name(name, match.code, match.scale)

    def _name(self, name: str, field_code: int, scale: Scale | None) -> int:
        code = self._names.get(name)
        if code is None:
            code = self._names[name] = len(self.names)
            self.names.append(name)
            self.name_fields.append(field_code)
            self.name_scales.append(scale)
        return code


def _message(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(exc)
