"""Documents of stored sites and pools, and JSON merge patches (RFC 7396) applied to them: a
PATCH body is merged into the stored document, and the result is checked like a new one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from suanli.domain import GpuPool, Network, Site
from suanli.formats import network_to_dict
from suanli.service.bodies import BODY, fail


def merged(current: dict[str, Any], patch: Any, frozen: tuple[str, ...]) -> dict[str, Any]:
    """`current` with the JSON merge patch `patch` applied; `frozen` fields cannot change."""
    if not isinstance(patch, Mapping):
        raise fail(BODY, "must be a JSON object of the fields to change")
    for name in frozen:
        if name in patch and patch[name] != current.get(name):
            raise fail(f"{BODY}.{name}", f"{name} cannot change here; leave it out")
    result = dict(current)
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def site_doc(site: Site) -> dict[str, Any]:
    """`site` as an item of a network document (with its pools)."""
    doc: dict[str, Any] = network_to_dict(Network("request", (site,), ()))["sites"][0]
    return doc


def pool_doc(site: Site, pool: GpuPool) -> dict[str, Any]:
    """`pool` as an item of a site's `pools`."""
    doc: dict[str, Any] = site_doc(replace(site, pools=(pool,)))["pools"][0]
    return doc
