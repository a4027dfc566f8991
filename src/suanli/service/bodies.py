"""Request bodies in the file formats (`suanli.formats`): a job is a workload document, a site,
pool or region is one item of a network document. Each body is checked by the same code as the
files, and every problem is reported with its field path under `body`.

JSON is read strictly, here for these bodies and through `strict_json_body` for every JSON
body (the Pydantic ones too): an object may not name a key twice (Python's parser would keep
the last silently), and NaN or Infinity are not numbers. Limits the files do not need but a
database does are checked next: strings of at most 200 characters without NUL, numbers (whole
or not) within ±(2^31 − 1). The size of a body is limited before it is read (service/limits.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fastapi import Request

from suanli.domain import GpuPool, Network, Region, Site, Workload
from suanli.errors import InvalidFileError, Problem
from suanli.formats import FORMATS, network_from_text, workload_from_text
from suanli.service.deps import ID_PATTERN

T = TypeVar("T")
MAX_STRING = 200
MAX_NUMBER = 2**31 - 1
"""The largest magnitude of a number in a body, whole or not: a 32-bit integer column's."""
MAX_POOL_GPUS = 10_000_000
BODY = "body"


def fail(field: str, message: str) -> InvalidFileError:
    return InvalidFileError([Problem(BODY, 1, field, message)])


def is_json_media(content_type: str) -> bool:
    """Whether a Content-Type names JSON (application/json, or a +json type)."""
    media = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


async def strict_json_body(request: Request) -> None:
    """Refuse a JSON body that Python's parser reads leniently (a key twice in one object,
    NaN): an app-wide dependency, so that the Pydantic bodies, which FastAPI parses with
    `json.loads`, are held to the same rules as the bodies parsed here."""
    content_type = request.headers.get("content-type")
    if content_type is None or not is_json_media(content_type):
        return
    raw = await request.body()
    if raw:
        parse_json(raw)


def parse_json(raw: bytes) -> Any:
    """The JSON document in `raw`; malformed text and repeated keys become problems under
    `body`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise fail(BODY, "must be UTF-8 encoded JSON") from None
    if not text.strip():
        raise fail(BODY, "is empty; send a JSON object (see /docs for its schema)")
    try:
        tree = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_Members)
        problems: list[Problem] = []
        data = _objects(tree, BODY, problems)
    except (json.JSONDecodeError, ValueError) as e:
        where = (
            f" (line {e.lineno}, column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        )
        raise fail(BODY, f"is not valid JSON: {getattr(e, 'msg', e)}{where}") from None
    except RecursionError:
        raise fail(BODY, "is nested too deeply") from None
    if problems:
        raise InvalidFileError(problems)
    return data


class _Members(list[tuple[str, Any]]):
    """An object's members in the order written, kept until repeated keys are looked for."""


def _objects(node: Any, field: str, problems: list[Problem]) -> Any:
    """`node` with its objects made dicts; a problem for each key written twice in one."""
    if isinstance(node, _Members):
        members: dict[str, Any] = {}
        repeated: set[str] = set()
        for key, value in node:
            if key in members and key not in repeated:
                repeated.add(key)
                problems.append(
                    Problem(BODY, 1, f"{field}.{key}", "is given twice in one object; keep one")
                )
            members[key] = _objects(value, f"{field}.{key}", problems)
        return members
    if isinstance(node, list):
        return [_objects(v, f"{field}[{i}]", problems) for i, v in enumerate(node)]
    return node


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; use a finite number")


def check_limits(data: Any, field: str = BODY) -> list[Problem]:
    """Problems with values a database column cannot hold, per field path."""
    if isinstance(data, Mapping):
        problems = [p for k in data if isinstance(k, str) for p in _string(k, f"{field} key")]
        return problems + [p for k, v in data.items() for p in check_limits(v, f"{field}.{k}")]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in check_limits(v, f"{field}[{i}]")]
    if isinstance(data, str):
        return _string(data, field)
    if isinstance(data, int | float) and not isinstance(data, bool) and abs(data) > MAX_NUMBER:
        shown = f"{data:g}" if isinstance(data, float) else str(data)
        return [Problem(BODY, 1, field, f"must be within ±{MAX_NUMBER}, got {shown}")]
    return []


def _string(text: str, field: str) -> list[Problem]:
    if "\x00" in text:
        return [Problem(BODY, 1, field, "must not contain NUL characters")]
    if len(text) > MAX_STRING:
        return [Problem(BODY, 1, field, f"must be at most {MAX_STRING} characters")]
    return []


def checked(raw: bytes) -> Any:
    data = parse_json(raw)
    problems = check_limits(data)
    if problems:
        raise InvalidFileError(problems)
    return data


def _rebased(error: InvalidFileError, prefix: str) -> InvalidFileError:
    """The problems of a wrapped document, with `prefix` (the wrapped item) renamed `body`."""

    def field(name: str) -> str:
        if name == prefix or name == "(root)":
            return BODY
        rest = name.removeprefix(prefix)
        return BODY + rest if rest != name else f"{BODY}.{name}"

    return InvalidFileError([Problem(BODY, 1, field(p.field), p.message) for p in error.problems])


ID_RULE = "use 1–100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"


def id_problems(data: Any, field: str = BODY) -> list[Problem]:
    """A problem when `data["id"]` is a string that cannot be used in a URL path."""
    ident = data.get("id") if isinstance(data, Mapping) else None
    if isinstance(ident, str) and not re.match(ID_PATTERN, ident):
        return [Problem(BODY, 1, f"{field}.id", ID_RULE)]
    return []


def _validated(build: Callable[[], T], prefix: str, problems: list[Problem]) -> T:
    """`build()`, with its problems (rebased onto `body`) and `problems` reported together."""
    try:
        value = build()
    except InvalidFileError as e:
        raise InvalidFileError(problems + _rebased(e, prefix).problems) from None
    if problems:
        raise InvalidFileError(problems)
    return value


def workload_job(raw: bytes, network: Network) -> Workload:
    """One training job or one inference service, in a workload document."""
    data = checked(raw)
    try:
        workload = workload_from_text(json.dumps(data), "body.json", network)
    except InvalidFileError as e:
        raise _rebased(e, "") from None
    if workload.pods:
        raise fail(f"{BODY}.pods", "pods are not traded on the exchange; remove them")
    count = len(workload.training_jobs) + len(workload.services)
    if count != 1:
        raise fail(
            BODY,
            f"a job is one training job or one inference service, this body "
            f"holds {count}; send one request per job",
        )
    return workload


def _network(sites: list[Any], regions: list[Any]) -> Network:
    doc = {"format": FORMATS["network"], "name": "request", "regions": regions, "sites": sites}
    return network_from_text(json.dumps(doc), "body.json")


def site_body(data: Any) -> Site:
    """A site (with its pools) in the network format."""
    pools = data.get("pools") if isinstance(data, Mapping) else None
    problems = id_problems(data) + [
        p
        for i, pool in enumerate(pools if isinstance(pools, list) else [])
        for p in id_problems(pool, f"{BODY}.pools[{i}]")
    ]
    site = _validated(lambda: _network([data], []).sites[0], "sites[0]", problems)
    for i, pool in enumerate(site.pools):
        _check_size(pool, f"{BODY}.pools[{i}]")
    return site


def _check_size(pool: GpuPool, field: str) -> None:
    if pool.gpus > MAX_POOL_GPUS:
        raise fail(field, f"nodes × gpus_per_node must be at most {MAX_POOL_GPUS}")


def pool_body(data: Any, site: dict[str, Any]) -> GpuPool:
    """A pool of `site` (a network-format site document) in the network format."""

    def build() -> GpuPool:
        return _network([site | {"pools": [data]}], []).sites[0].pools[0]

    pool = _validated(build, "sites[0].pools[0]", id_problems(data))
    _check_size(pool, BODY)
    return pool


def region_body(data: Any) -> Region:
    return _validated(lambda: _network([], [data]).regions[0], "regions[0]", id_problems(data))
