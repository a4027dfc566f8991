"""A `ScenarioSpec` as a `suanli.scenario/v1` document, every default written out.

This is the resolved scenario saved beside each run: it says exactly what ran, and loading it
gives the same spec back. A workload source writes only the fields its kind takes
(`SOURCE_FIELDS`).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from suanli.domain import Site
from suanli.formats.jsonschemas import FORMATS
from suanli.formats.scenario_spec import SOURCE_FIELDS, EventSpec, ScenarioSpec
from suanli.formats.to_dict import _site as site_to_dict

Doc = dict[str, Any]


def scenario_to_dict(spec: ScenarioSpec) -> Doc:
    """The resolved scenario; fields left unset (None) are left out."""
    doc: Doc = {"format": FORMATS["scenario"]}
    for f in fields(spec):
        value = getattr(spec, f.name)
        if f.name == "events":
            doc["events"] = [_event(e) for e in value]
        elif f.name == "workload":
            doc["workload"] = [_plain(w, SOURCE_FIELDS[w.kind]) for w in value]
        elif f.name in ("network", "inference", "pricing"):
            doc[f.name] = _plain(value)
        else:
            doc[f.name] = value
    return doc


def _plain(obj: Any, keep: tuple[str, ...] | None = None) -> Doc:
    """The fields of `obj` that are set (only those named in `keep`, when given)."""
    out: Doc = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if keep is not None and f.name not in keep:
            continue
        if isinstance(value, Site):
            out[f.name] = site_to_dict(value)
        elif value is not None:
            out[f.name] = value
    return out


def _event(event: EventSpec) -> Doc:
    return {"kind": event.kind, **_plain(event)}
