"""Parse a sample's `name{label="value",...}` part, the way Prometheus text 0.0.4 and OpenMetrics
1.0 write it.

Label values escape exactly three characters: `\\\\` (backslash), `\\"` (quote) and `\\n`
(line feed); any other escape is an error, as is a raw line feed or quote. A trailing comma and
spaces after a comma are accepted. A label name may appear once.
"""

from __future__ import annotations

import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"[ \t]*(,?)')
ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}
ESCAPE = re.compile(r"\\.")


class LabelError(ValueError):
    """A malformed metric name or label set; the caller adds file and line."""


def parse_prefix(prefix: str) -> tuple[str, dict[str, str]]:
    """Split `name{labels}` (or a bare `name`) into the name and its labels."""
    brace = prefix.find("{")
    name = prefix if brace < 0 else prefix[:brace]
    if not NAME.fullmatch(name):
        raise LabelError(f"malformed metric name {_short(name or prefix)}")
    if brace < 0:
        return name, {}
    if not prefix.endswith("}"):
        raise LabelError(f"label set of {name} does not end with '}}'")
    return name, parse_labels(prefix[brace + 1 : -1])


def parse_labels(body: str) -> dict[str, str]:
    """The labels between the braces, unescaped."""
    labels: dict[str, str] = {}
    pos, end = 0, len(body)
    while pos < end:
        match = LABEL.match(body, pos)
        if match is None:
            raise LabelError(f"malformed label at {_short(body[pos:])}")
        key, raw, comma = match.groups()
        if key in labels:
            raise LabelError(f"label {key} appears twice")
        labels[key] = unescape(raw)
        pos = match.end()
        if not comma and pos < end:
            raise LabelError(f"expected ',' before {_short(body[pos:])}")
    return labels


def unescape(raw: str) -> str:
    """A label value with its `\\\\`, `\\"` and `\\n` escapes resolved."""
    if "\\" not in raw:
        return raw
    return ESCAPE.sub(_escape, raw)


def _escape(match: re.Match[str]) -> str:
    try:
        return ESCAPES[match.group()]
    except KeyError:
        raise LabelError(
            f'invalid escape {match.group()!r} in a label value (only \\\\, \\" and \\n)'
        ) from None


def escape(value: str) -> str:
    """The inverse of `unescape`, for writers."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
