"""A coordinator edits a profile in the Django admin: the directory shows it at once, and what
the admin accepts never breaks a page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shisaku.directory.models import Manufacturer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, pool: dict[str, Any]) -> Client:
    from shisaku.accounts.models import User

    user = User.objects.create_superuser("boss", "boss@example.com", "pw-long-enough-1")
    client.force_login(user)
    return client


def _form(client: Client, firm: Manufacturer) -> dict[str, Any]:
    """The admin change form's current values, as the browser would post them."""
    import re

    html = client.get(f"/admin/directory/manufacturer/{firm.pk}/change/").content.decode()
    data: dict[str, Any] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html,
                                 re.S):
        data[name] = body.strip().replace("&quot;", '"')
    for name, sel in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', sel)
        data[name] = chosen.group(1) if chosen else ""
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', html):
        data[name] = "on"
    return data


def test_an_admin_rename_shows_in_the_next_directory_request(admin_client: Client,
                                                             pool: dict[str, Any]) -> None:
    firm = pool["daehan"]
    assert admin_client.get("/api/v1/manufacturers?q=renamed").json()["count"] == 0
    data = _form(admin_client, firm)
    data["name"] = "Renamed Daehan"
    response = admin_client.post(f"/admin/directory/manufacturer/{firm.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert admin_client.get("/api/v1/manufacturers?q=renamed").json()["count"] == 1


@pytest.mark.parametrize("field, value", [
    ("description", '["a list", "not per language"]'), ("description", '"just text"'),
    ("stages", '"prototyping"'), ("stages", '["prototyping", "someday"]'),
    ("certifications", '{"a": 1}'), ("region", "XX-99"), ("region", "JP-13"),
    ("lat", "95"), ("lon", "-181.5"),
])
def test_what_the_admin_accepts_never_breaks_a_page(admin_client: Client,
                                                    pool: dict[str, Any], field: str,
                                                    value: str) -> None:
    """The fault: a description given as a list or a string, or stages as one string, were
    saved, and the profile page and the API answered 500. Now the admin refuses them (and
    a region the taxonomy does not know, or of another country than the profile's)."""
    firm = pool["daehan"]
    data = _form(admin_client, firm)
    data[field] = value
    response = admin_client.post(f"/admin/directory/manufacturer/{firm.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the field's error
    assert "errorlist" in response.content.decode()
    Manufacturer.objects.get(pk=firm.pk, region="KR-47", stages=firm.stages)
    for url in (f"/manufacturers/{firm.pk}/", "/manufacturers/", "/api/v1/manufacturers",
                f"/api/v1/manufacturers/{firm.pk}", "/manufacturers/?q=daehan",
                "/manufacturers/download?format=csv"):
        assert admin_client.get(url).status_code == 200, (field, value, url)
