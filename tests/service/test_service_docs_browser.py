"""/docs and /redoc load only the assets packaged with suanli (`suanli.service.docs`): their HTML
names no other URL, and they render in headless Chromium with the network cut off, where every
request that is not to the loopback server is aborted and recorded, and none may be attempted.

Runs on SQLite only: the pages never touch the database. The browser tests need Playwright (the dev
extra) and Debian's Chromium (`apt-get install chromium`; Playwright cannot download its own
browsers here). Without them they are skipped, except under CI, where they fail."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from suanli.service.docs import CACHE_CONTROL

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request, Response, Route

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
]


def _unavailable() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if shutil.which("chromium") is None:
        return "Chromium is not installed (apt-get install chromium)"
    return None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_name_only_packaged_assets(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assert "http://" not in html and "https://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(url.endswith(".js") for url in assets)
    for url in assets:
        assert url.startswith("/assets/docs/")
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == CACHE_CONTROL


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if problem := _unavailable():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the browser test of /docs: {problem}")
        pytest.skip(f"browser test of /docs skipped: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


class OfflinePage:
    """A page whose requests beyond 127.0.0.1 are aborted; it records those and local failures."""

    def __init__(self, browser: Browser) -> None:
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.context = browser.new_context()
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def _route(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort("internetdisconnected")

    def _request_failed(self, request: Request) -> None:
        if request.url not in self.outside:
            self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")


@pytest.fixture
def offline(browser: Browser) -> Iterator[OfflinePage]:
    page = OfflinePage(browser)
    yield page
    page.context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_swagger_ui_renders_offline(live: str, offline: OfflinePage) -> None:
    from playwright.sync_api import expect

    page = offline.page
    page.goto(f"{live}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("suanli exchange")
    jobs = page.locator(".opblock-summary-path[data-path='/v1/jobs']")
    expect(jobs).to_have_count(2)  # GET and POST /v1/jobs
    page.wait_for_load_state("networkidle")
    assert offline.outside == []
    assert offline.failed == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_redoc_renders_offline(live: str, offline: OfflinePage) -> None:
    from playwright.sync_api import expect

    page = offline.page
    page.goto(f"{live}/redoc")
    expect(page.locator("h1")).to_contain_text("suanli exchange")
    expect(page.locator("[data-section-id*='operation/']").first).to_be_visible()
    expect(page.get_by_text("/v1/jobs", exact=True).first).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert offline.outside == []
    assert offline.failed == []
