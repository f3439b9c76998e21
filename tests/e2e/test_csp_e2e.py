"""Pages work under the Content-Security-Policy (issue #11), in Chromium: the directory's htmx
filter update, the language switch and the confirm before deleting a project run from our
static files, and the browser reports no CSP violation."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import capability, record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""


@pytest.fixture
def directory(transactional_db: Any) -> None:
    from shisaku.directory.services import manufacturers_save

    manufacturers_save(records=[
        record("Daehan Precision", "KR-47", slug="daehan", name_local="대한정밀",
               capabilities=[capability("cnc_milling")]),
        record("Yamada Seisakusho", "JP-26", slug="yamada",
               capabilities=[capability("injection_molding", materials=["abs"],
                                        min_lot=1000, max_lot=100000)]),
    ])


def _watch(page: Any) -> list[str]:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text or "Refused" in m.text else None)
    page.add_init_script(WATCH)
    return console


def _violations(page: Any, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__csp || []"), *console]


def test_directory_htmx_and_language_switch_under_the_policy(page: Any, live_server: Any,
                                                             directory: None) -> None:
    console = _watch(page)
    response = page.goto(f"{live_server.url}/manufacturers/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate("window.__same_page = true")
    page.locator('fieldset[data-facet="process"] input[value="injection_molding"]').check()
    # expect() polls without eval (the CSP forbids it, so no wait_for_function)
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"^1 result"))
    assert page.evaluate("window.__same_page") is True  # htmx swapped, no page load
    page.select_option("#language", "ko")  # data-autosubmit, from app.js
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    shots = os.environ.get("SHISAKU_SCREENSHOTS")  # a folder, when a person wants to look
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / "csp-directory-ko.png"), full_page=True)
    assert _violations(page, console) == []


def test_confirm_before_deleting_a_project(login_as: Any, live_server: Any) -> None:
    from shisaku.projects import services
    from shisaku.projects.models import Project
    from tests.apps.test_rfq_support import PASSWORD, member

    owner, startup = member("csp-owner", "startup", password=True)
    project = services.project_create(actor=owner, organisation=startup,
                                      data={"title": "<b>Glove</b>", "currency": "KRW"})
    page = login_as("csp-owner", PASSWORD)
    console = _watch(page)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    assert page.locator("h1").inner_text().startswith("<b>Glove</b>")  # shown as text
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer)
    page.get_by_role("button", name="Delete project").click()
    page.wait_for_timeout(300)
    assert asked == ["Delete this project?"]
    assert Project.objects.filter(pk=project.pk, deleted_at__isnull=True).exists()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete project").click()
    page.wait_for_url(f"{live_server.url}/projects/")
    assert Project.objects.get(pk=project.pk).deleted_at is not None
    assert _violations(page, console) == []
