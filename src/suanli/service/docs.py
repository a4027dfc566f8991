"""/docs (Swagger UI) and /redoc, served with their JavaScript and CSS from the package.

FastAPI's own pages load swagger-ui from cdn.jsdelivr.net and ReDoc and Google Fonts from the
internet, so on the exchange's often offline machines /docs was a blank page. These pages load only
the vendored files under `assets/docs` (provenance in its VENDORED.md), mounted at /assets/docs,
and make no other request: no web fonts, no external favicon, no Swagger validator badge, and
ReDoc's hard-coded Redocly logo patched out of its bundle.
Create the app with `docs_url=None, redoc_url=None` and call `install`."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

ASSETS = Path(__file__).parent / "assets" / "docs"
MOUNT = "/assets/docs"
CACHE_CONTROL = "public, max-age=86400"  # a day; ETags make the revalidation after it cheap


class _CachedStaticFiles(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def install(app: FastAPI, *, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Mount the assets and add the two pages (left out of the OpenAPI document)."""
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("the docs pages read the OpenAPI document: keep the app's openapi_url")
    app.mount(MOUNT, _CachedStaticFiles(directory=ASSETS), name="docs-assets")

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{MOUNT}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{MOUNT}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}{MOUNT}/swagger-ui/favicon-32x32.png",
            oauth2_redirect_url=None,  # the API authenticates with bearer keys, not OAuth2
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(redoc_url, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{MOUNT}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{root}{MOUNT}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
