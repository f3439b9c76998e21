"""Playwright driving Debian's Chromium against pytest-django's live server.

Without a browser these tests skip, except where SHISAKU_REQUIRE_BROWSER=1 (CI): then they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SHISAKU_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _require_browser() -> bool:
    return os.environ.get("SHISAKU_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if _require_browser():
            pytest.fail(f"Chromium not found at {CHROMIUM} (SHISAKU_REQUIRE_BROWSER=1)")
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login_as(browser: Any, live_server: Any) -> Iterator[Any]:
    """``login_as(username, password)`` -> a logged-in page in a fresh browser context.

    The contexts close before the live server stops: an open page's late requests would
    otherwise reach a server (and database connections) being torn down.
    """
    contexts: list[Any] = []

    def _login(username: str, password: str) -> Any:
        context = browser.new_context(locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("load")
        return page

    yield _login
    for context in contexts:
        context.close()
