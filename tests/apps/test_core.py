"""Core services: data generations never repeat, the audit trail keeps what happened."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from shisaku.core.models import AuditEvent
from shisaku.core.services import audit_record, generation_bump, generation_current

pytestmark = pytest.mark.django_db


def test_generation_rises_and_is_not_reused_after_a_rollback() -> None:
    assert generation_current(name="x") == 0
    generation_bump(name="x")
    first = generation_current(name="x")
    assert first > 0
    try:
        with transaction.atomic():
            generation_bump(name="x")
            rolled_back = generation_current(name="x")
            raise RuntimeError
    except RuntimeError:
        pass
    assert generation_current(name="x") == first
    generation_bump(name="x")
    assert generation_current(name="x") > rolled_back > first


def test_audit_trail_survives_the_object() -> None:
    from shisaku.accounts.services import organisation_create

    org = organisation_create(name="Gone Co", kind="startup")
    audit_record(actor=None, action="test.delete", obj=org, summary="Gone Co")
    org.delete()
    event = AuditEvent.objects.get(action="test.delete")
    assert (event.object_type, event.summary) == ("accounts.organisation", "Gone Co")


def test_oversize_requests_are_refused_before_reading(client: object, settings: object) -> None:
    from django.test import Client

    settings.SHISAKU_MAX_UPLOAD_MB = 1  # type: ignore[attr-defined]
    c = Client()
    response = c.post("/api/v1/match", data=b"x" * 10, content_type="application/json",
                      CONTENT_LENGTH=str(3 * 1024 * 1024))
    assert response.status_code == 413
    assert "1 MB" in response.content.decode()


def test_pages_link_assets_that_are_served(client: object) -> None:
    """The stylesheet and htmx come from this installation (no CDN) and are found."""
    import re

    from django.contrib.staticfiles import finders
    from django.test import Client

    html = Client().get("/").content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    assert {"shisaku/app.css", "django_htmx/htmx-2.min.js"} <= set(assets)
    for asset in assets:
        assert finders.find(asset), asset
    assert "//" not in "".join(re.findall(r'<script[^>]+src="([^"]+)"', html)).replace(
        "/static/", "")


def test_a_trailing_slash_too_many_redirects_to_the_page(client: Any) -> None:
    """``/accounts/login/`` (the address Django users type) was a 404: the page is
    ``/accounts/login``. Own case: the estimate's PCB form keeps its slash and its query."""
    resp = client.get("/accounts/login/?next=/insights/")
    assert resp.status_code == 301 and resp["Location"] == "/accounts/login?next=/insights/"
    assert client.get("/accounts/me/").status_code == 301
    assert client.get("/no-such-page/").status_code == 404
    assert client.post("/accounts/login/").status_code == 404  # a form post is not redirected
    assert client.get("/estimate/pcb/").status_code in (200, 302)  # has its slash already
    assert client.get("/api/v1/manufacturers/").status_code == 404  # the API is exact
