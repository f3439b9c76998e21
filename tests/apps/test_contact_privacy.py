"""A firm's contact e-mail and phone never leave through public pages, the public API or the
open-data exports (even for staff); coordinators of its region see them on the profile."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from shisaku.directory.exporter import FORMATS, export_bytes
from shisaku.directory.models import Manufacturer
from tests.apps.test_claims_support import ClaimWorld, make_world

pytestmark = pytest.mark.django_db

SECRETS = ("contact@daehan.co.kr", "+82-54-000-1111", "info@yamada.co.jp", "contact_email",
           "contact_phone")


@pytest.fixture
def w() -> ClaimWorld:
    return make_world()


def _assert_clean(body: bytes, where: str) -> None:
    text = body.decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in text, (where, secret)


def _clients(w: ClaimWorld) -> dict[str, Client]:
    out = {"anonymous": Client()}
    for name in ("startup", "kim", "coord_jp", "coord_gb", "staff"):
        client = Client()
        client.force_login(getattr(w, name))
        out[name] = client
    return out


def test_public_pages_and_api_never_show_contact_data(w: ClaimWorld) -> None:
    firm = w.firms["daehan"]
    urls = ["/manufacturers/", "/manufacturers/?q=daehan", f"/manufacturers/{firm.slug}/claim/",
            "/api/v1/manufacturers", "/api/v1/manufacturers?q=daehan",
            f"/api/v1/manufacturers/{firm.pk}", "/"]
    for who, client in _clients(w).items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            _assert_clean(response.content, f"{who} {url}")
    response = Client().post("/api/v1/match", data='{"processes": ["cnc_milling"]}',
                             content_type="application/json")
    _assert_clean(response.content, "match")


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_never_contain_contact_data(w: ClaimWorld, fmt: str) -> None:
    for who, client in _clients(w).items():
        response = client.get(f"/manufacturers/download?format={fmt}")
        assert response.status_code == 200
        body = response.content
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"".join(archive.read(n) for n in archive.namelist())
        _assert_clean(body, f"{who} download {fmt}")
    data = export_bytes(Manufacturer.objects.all(), fmt)
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(n) for n in archive.namelist())
    _assert_clean(data, f"CLI export {fmt}")


def test_profile_shows_contact_data_to_the_regions_coordinators_only(w: ClaimWorld) -> None:
    firm = w.firms["daehan"]
    seen = {who: "contact@daehan.co.kr" in client.get(f"/manufacturers/{firm.pk}/")
            .content.decode() for who, client in _clients(w).items()}
    assert seen == {"anonymous": False, "startup": False, "kim": False, "coord_jp": False,
                    "coord_gb": True, "staff": True}
    yamada = w.firms["yamada"]
    jp = _clients(w)["coord_jp"].get(f"/manufacturers/{yamada.pk}/").content.decode()
    assert "info@yamada.co.jp" in jp and "Contact (coordinators only)" in jp
