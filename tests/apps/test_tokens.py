"""API tokens: created on the account page (shown once), read scope reads and is refused a
write (403), write scope writes without a session or CSRF token, revoked and forged tokens
get 401, a token over its rate limit 429; the OpenAPI document describes the scheme."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from shisaku.tokens import services
from shisaku.tokens.models import ApiToken
from tests.apps.test_rfq_support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.HOME = tmp_path
    return make_world()


def _call(method: str, url: str, token: str, body: Any = None) -> Any:
    client = Client(enforce_csrf_checks=True)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def test_read_token_reads_and_is_refused_a_write(world: Any) -> None:
    _row, token = services.token_create(actor=world.owner, name="ERP", scope="read")
    listing = _call("get", "/api/v1/projects", token)
    assert listing.status_code == 200 and [p["title"] for p in listing.json()] == [
        "Rehab glove"]
    assert _call("get", "/api/v1/manufacturers", token).status_code == 200
    assert _call("get", "/api/v1/insights", token).status_code == 200
    assert _call("get", "/api/v1/insights/funnel?period=90d", token).status_code == 200
    refused = _call("post", "/api/v1/projects", token, {"title": "From the ERP"})
    assert refused.status_code == 403
    assert "read" in refused.json()["detail"][0]["reason"]
    assert ApiToken.objects.get(prefix=token.split("_")[1]).last_used_at is not None


def test_write_token_writes_without_session_or_csrf(world: Any) -> None:
    _row, token = services.token_create(actor=world.owner, name="ERP", scope="write")
    created = _call("post", "/api/v1/projects", token,
                    {"title": "From the ERP", "organisation": world.startup.pk})
    assert created.status_code in (200, 201), created.content
    # Without the token the same client is a stranger with no CSRF token.
    anonymous = Client(enforce_csrf_checks=True).post(
        "/api/v1/projects", data=json.dumps({"title": "x"}), content_type="application/json")
    assert anonymous.status_code in (401, 403)  # no token, no session: refused
    from shisaku.projects.models import Project
    assert Project.objects.filter(title="x").count() == 0


@pytest.mark.parametrize("mangle", ["revoke", "forge", "garbage"])
def test_revoked_and_forged_tokens_get_401(world: Any, mangle: str) -> None:
    row, token = services.token_create(actor=world.owner, name="ERP", scope="write")
    if mangle == "revoke":
        services.token_revoke(actor=world.owner, token=row)
    elif mangle == "forge":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    else:
        token = "not-a-token"
    assert _call("get", "/api/v1/projects", token).status_code == 401
    assert _call("get", "/api/v1/insights", token).status_code == 401
    assert _call("get", "/api/v1/insights/funnel", token).status_code == 401


def test_rate_limit_per_token(world: Any, settings: Any) -> None:
    settings.SHISAKU_TOKEN_RATE_PER_MINUTE = 3
    _row, token = services.token_create(actor=world.owner, name="ERP", scope="read")
    codes = [_call("get", "/api/v1/projects", token).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_token_page_shows_a_new_token_once_and_revokes(world: Any) -> None:
    client = Client()
    client.force_login(world.owner)
    page = client.post("/accounts/tokens/", {"name": "Centre sync", "scope": "read"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="token-value"' in html
    assert page["Cache-Control"] == "no-store"
    row = ApiToken.objects.get(name="Centre sync")
    again = client.get("/accounts/tokens/").content.decode()
    assert 'data-testid="token-value"' not in again and f"shk_{row.prefix}_" in again
    bad = client.post("/accounts/tokens/", {"name": "", "scope": "admin"})
    assert bad.status_code == 422
    stranger = Client()
    stranger.force_login(world.other_startup)
    assert stranger.post(f"/accounts/tokens/{row.pk}/revoke").status_code == 404
    client.post(f"/accounts/tokens/{row.pk}/revoke")
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert Client().get("/accounts/tokens/").status_code == 302


def test_openapi_describes_the_token_scheme(world: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_a_revoked_or_forged_token_is_told_why(world: Any) -> None:
    row, token = services.token_create(actor=world.owner, name="ERP", scope="write")
    services.token_revoke(actor=world.owner, token=row)
    revoked = _call("get", "/api/v1/projects", token)
    assert revoked.status_code == 401
    assert revoked.json()["detail"][0] == {"field": "Authorization",
                                           "reason": "this token was revoked"}
    forged = _call("get", "/api/v1/projects", token[:-4] + "AAAA")
    assert forged.status_code == 401
    assert forged.json()["detail"][0]["reason"] == "unknown token"
    in_query = Client().get(f"/api/v1/projects?token={token}")
    assert in_query.status_code == 401  # a token in the query string is never read
