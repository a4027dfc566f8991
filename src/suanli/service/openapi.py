"""Put the published file-format schemas (`suanli schema workload|network`) into the OpenAPI
document, so that request bodies in those formats are documented, and fuzzed, by one schema.

`#/$defs/x` references are rewritten to `#/components/schemas/<Prefix><X>`."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from suanli.formats import schema

PREFIX = {"workload": "Workload", "network": "Network"}


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _rewrite(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v, prefix) for k, v in node.items() if k not in ("$schema", "$id")}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = f"#/components/schemas/{prefix}{_camel(ref.removeprefix('#/$defs/'))}"
        return out
    if isinstance(node, list):
        return [_rewrite(v, prefix) for v in node]
    return node


def format_components() -> dict[str, Any]:
    """Every format schema and its definitions, as OpenAPI component schemas."""
    components: dict[str, Any] = {}
    for kind, prefix in PREFIX.items():
        doc = schema(kind)
        for name, definition in doc.pop("$defs", {}).items():
            components[f"{prefix}{_camel(name)}"] = _rewrite(definition, prefix)
        components[prefix] = _rewrite(doc, prefix)
    components["NetworkSitePatch"] = _patch(components["NetworkSite"], drop=("id", "pools"))
    components["NetworkPoolPatch"] = _patch(components["NetworkPool"], drop=("id",))
    return components


def _patch(full: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    """A JSON merge patch of `full`: every field optional, `drop`ped fields absent."""
    patch = copy.deepcopy(full)
    patch.pop("required", None)
    for name in drop:
        patch["properties"].pop(name, None)
    patch["description"] = "Fields to change (JSON merge patch); fields left out stay as they are."
    return patch


def body(component: str, description: str) -> dict[str, Any]:
    """`openapi_extra` for a route whose JSON body follows a format component."""
    ref = {"$ref": f"#/components/schemas/{component}"}
    content = {"application/json": {"schema": ref}}
    return {"requestBody": {"required": True, "description": description, "content": content}}


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title, version=app.version, routes=app.routes, description=app.description
            )
            doc.setdefault("components", {}).setdefault("schemas", {}).update(format_components())
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
