"""Turn jsonschema's errors into short problems that say how to fix them.

Each jsonschema keyword has a handler; a value that fails one is marked bad in the report so the
semantic checks leave it alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from suanli.formats.report import Path, Report, as_key, show

TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}

HINTS = {
    "route_factor": "no route is shorter than the great circle",
    "pue": "a facility never uses less power than its IT load",
    "gpus_per_node": "no server holds more than 16 GPUs; a bigger machine is several nodes",
    "cpu_milli_per_node": "1000 is one core; no server has more than 1,024 cores",
    "memory_mib_per_node": "1024 is one GiB; no server holds more than 32 TiB",
}
"""Why a bound holds, for the fields where it is not obvious."""


def schema_problems(
    validator: Draft202012Validator, data: object, report: Report, prefix: Path = ()
) -> None:
    """Add one problem per schema violation in `data` to `report`; `data` sits at `prefix` in
    the document (a part checked against another schema)."""
    for error in validator.iter_errors(data):
        path: Path = (*prefix, *error.absolute_path)
        _HANDLERS.get(str(error.validator), _other)(error, path, report)


def _required(error: ValidationError, path: Path, report: Report) -> None:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    for name in _expected(error):
        if name not in instance:  # the report drops the repeats of the other errors
            report.add((*path, name), f"missing required field {name!r}", at=path)


def _additional(error: ValidationError, path: Path, report: Report) -> None:
    allowed = list(_schema(error).get("properties", {}))
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    for key in instance:
        if key not in allowed:
            report.add((*path, as_key(key)), _unknown_field(key, allowed))


def _unknown_field(key: object, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1) if isinstance(key, str) else []
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown field {key!r}{guess}; allowed: {', '.join(allowed)}"


def _type(error: ValidationError, path: Path, report: Report) -> None:
    report.taint(path)
    if "propertyNames" in error.schema_path:
        report.add(path, f"key {show(error.instance)} must be a string; put it in quotes")
        return
    expected = TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
    quote = isinstance(error.instance, int | float) and error.validator_value == "string"
    message = f"must be {expected}, got {show(error.instance)}"
    report.add(path, message + ("; put it in quotes" if quote else ""))


def _bound(error: ValidationError, path: Path, report: Report) -> None:
    report.taint(path)
    low, high = _schema(error).get("minimum"), _schema(error).get("maximum")
    if low is not None and high is not None:
        message = f"must be within {low}..{high}, got {show(error.instance)}"
    else:
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        message = f"must be {sign[str(error.validator)]} {error.validator_value}, got "
        message += show(error.instance)
    hint = HINTS.get(str(path[-1])) if path else None
    report.add(path, message + (f" ({hint})" if hint else ""))


def _enum(error: ValidationError, path: Path, report: Report) -> None:
    report.taint(path)
    options = ", ".join(str(v) for v in _expected(error))
    report.add(path, f"must be one of {options}; got {show(error.instance)}")


def _const(error: ValidationError, path: Path, report: Report) -> None:
    report.taint(path)
    report.add(path, f"must be {error.validator_value!r}, got {show(error.instance)}")


def _min_length(error: ValidationError, path: Path, report: Report) -> None:
    report.taint(path)
    where = "key" if "propertyNames" in error.schema_path else "value"
    report.add(path, f"{where} must not be empty")


def _other(error: ValidationError, path: Path, report: Report) -> None:
    report.taint(path)
    report.add(path, error.message)


def _expected(error: ValidationError) -> Any:
    """What the failed keyword asked for (the `required` list, the `enum` options...)."""
    expected: Any = error.validator_value
    return expected


def _schema(error: ValidationError) -> Mapping[str, Any]:
    return error.schema if isinstance(error.schema, Mapping) else {}


_HANDLERS: dict[str, Callable[[ValidationError, Path, Report], None]] = {
    "required": _required,
    "additionalProperties": _additional,
    "type": _type,
    "minimum": _bound,
    "maximum": _bound,
    "exclusiveMinimum": _bound,
    "exclusiveMaximum": _bound,
    "enum": _enum,
    "const": _const,
    "minLength": _min_length,
}
