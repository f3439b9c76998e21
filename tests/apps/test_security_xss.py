"""Stored XSS and the Content-Security-Policy (issue #11).

- The weekly digest page showed a startup's project title and window note raw (the plain-text
  digest was a SafeString). Every text rendered for mail is now an ordinary str.
- No template turns autoescaping off for HTML, marks data safe, carries an inline script, an
  inline event handler or a style attribute; no Python module marks strings safe.
- Every HTML answer carries the CSP (pages, htmx partials, error pages, the API docs).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.safestring import SafeData

from shisaku.consortia import services as window
from shisaku.core.middleware import CONTENT_SECURITY_POLICY
from shisaku.projects import services as projects
from tests.apps.test_consortia_support import make_world

SRC = Path(__file__).resolve().parents[2] / "src" / "shisaku"
TEMPLATES = sorted((SRC / "templates").rglob("*.html"))
MARKUP_TITLE = '<script>alert("title")</script>'
MARKUP_NOTE = '<img src=x onerror="alert(1)">'


@pytest.mark.django_db
def test_digest_page_escapes_titles_and_notes() -> None:
    world = make_world()
    projects.project_update(actor=world.owner, project=world.project,
                            data={"title": MARKUP_TITLE})
    window.window_send(actor=world.owner, project=world.project,
                       coordinator=world.coordinator.pk, note=MARKUP_NOTE)
    client = Client()
    client.force_login(world.coord)
    html = client.get("/window/digest").content.decode()
    assert MARKUP_TITLE not in html and MARKUP_NOTE not in html
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    digest = window.window_digest(coordinator=world.coordinator)
    # The text part reads the title as written (it is a mail) but is not safe HTML.
    assert MARKUP_TITLE in digest["text"] and not isinstance(digest["text"], SafeData)
    assert MARKUP_TITLE not in digest["html"]


def test_plain_text_rendering_is_never_safe_html() -> None:
    from shisaku.core.text import render_plain_text

    with pytest.raises(ValueError):
        render_plain_text("consortia/digest.html", {})
    # Every .txt template goes through render_plain_text (or Django's own mail views).
    offenders = [str(p) for p in SRC.rglob("*.py")
                 if re.search(r"render_to_string\([^)]*\.txt", p.read_text())]
    assert offenders == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC / "templates")))
def test_templates_carry_no_inline_script_handler_style_or_unescaped_output(path: Path) -> None:
    text = path.read_text()
    assert "autoescape off" not in text
    assert not re.search(r"\|\s*safe\b", text)
    for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE), "inline handler"
    assert not re.search(r"\sstyle\s*=", text, flags=re.IGNORECASE), "style attribute"
    assert "javascript:" not in text.lower()
    assert not re.search(r"hx-on|hx-vars|\bjs:", text), "htmx attributes that evaluate code"


def test_no_python_module_marks_strings_safe() -> None:
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if re.search(r"\bmark_safe\b|\bSafeString\b|\bSafeText\b", p.read_text())]
    assert offenders == []


def _csp(response: Any) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else ""
            for d in (x.strip() for x in header.split(";")) if d}


def test_policy_forbids_inline_code_and_framing() -> None:
    policy = {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in CONTENT_SECURITY_POLICY.split("; ")}
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:" and policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


ANONYMOUS_PAGES = ["/", "/manufacturers/", "/manufacturers/?process=cnc_milling",
                   "/manufacturers/find", "/accounts/login", "/accounts/signup", "/accounts/password/reset",
                   "/api/v1/docs", "/no-such-page/"]
SIGNED_IN_PAGES = {
    "owner": ["/projects/", "/projects/{p}/", "/rfqs/", "/estimate/", "/window/send/{p}"],
    "coord": ["/window/", "/window/digest", "/projects/coordinator"],
    "maker": ["/rfqs/inbox/", "/window/invitations/", "/notifications/"],
}


@pytest.mark.django_db
def test_every_html_page_carries_the_policy() -> None:
    world = make_world()
    checked = 0
    for url in ANONYMOUS_PAGES:
        response = Client().get(url)
        assert response["Content-Type"].startswith("text/html"), url
        assert _csp(response)["script-src"] == "'self'", url
        checked += 1
    users = {"owner": world.owner, "coord": world.coord, "maker": world.makers["frame-a"]}
    for role, urls in SIGNED_IN_PAGES.items():
        client = Client()
        client.force_login(users[role])
        for url in urls:
            url = url.replace("{p}", str(world.project.pk))
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            assert _csp(response)["frame-ancestors"] == "'none'", (role, url)
            checked += 1
    # an htmx partial of the directory
    partial = Client().get("/manufacturers/?process=cnc_milling", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert _csp(partial)["script-src"] == "'self'"
    # JSON answers need no policy
    assert "Content-Security-Policy" not in Client().get("/api/v1/manufacturers").headers
    assert checked >= 15
