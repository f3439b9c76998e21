"""Uploads are stored under a name derived from their detected type, names that disagree with
the content are refused, and downloads are attachments the browser must not sniff
(issue #11: ``page.html``, ``setup.exe`` with a PDF header, polyglots)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.errors import InputError
from shisaku.projects.filetypes import display_name, inspect_upload
from shisaku.projects.models import PartFile
from shisaku.rfq.models import Message
from tests.apps.test_projects_support import PDF, PNG, member
from tests.apps.test_rfq_support import make_rfq, make_world

pytestmark = pytest.mark.django_db
POLYGLOT = PDF + b"<html><script>alert(document.domain)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def part_url() -> tuple[Client, str]:
    user, _org = member("mina", "startup")
    client = Client()
    client.force_login(user)
    project = client.post("/api/v1/projects", data=json.dumps({"title": "Glove"}),
                          content_type="application/json").json()
    part = client.post(f"/api/v1/projects/{project['id']}/parts",
                       data=json.dumps({"name": "Housing"}),
                       content_type="application/json").json()
    return client, f"/api/v1/projects/{project['id']}/parts/{part['id']}/files"


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("page.html", PNG, "image"),          # the example
    ("setup.exe", PDF, "drawing"),        # an executable name on a PDF
    ("drawing.pdf.html", PDF, "drawing"),
    ("image.svg", PNG, "image"),
    ("photo.png", PDF, "image"),          # a known extension that lies
])
def test_names_that_disagree_with_the_content_are_refused(part_url: tuple[Client, str],
                                                          name: str, content: bytes,
                                                          kind: str) -> None:
    client, url = part_url
    response = client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 422, response.content
    detail = response.json()["detail"][0]
    assert detail["field"] == "file" and detail["reason"]
    assert PartFile.objects.count() == 0


def test_stored_under_the_detected_type_and_served_as_an_attachment(
        part_url: tuple[Client, str]) -> None:
    client, url = part_url
    for name in ("drawing", "drawing.pdf"):  # no extension, or the right one
        response = client.post(url, {"kind": "drawing",
                                     "file": SimpleUploadedFile(name, POLYGLOT)})
        assert response.status_code == 201, response.content
    for stored in PartFile.objects.all():
        assert stored.file.name.endswith(".pdf")
        assert "drawing" not in stored.file.name  # a generated name, not the uploader's
        project_id, part_id = url.split("/")[4], url.split("/")[6]
        download = client.get(f"/projects/{project_id}/parts/{part_id}/files/{stored.pk}")
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        b"".join(download.streaming_content)  # read to the end: the client closes the file


def test_message_attachments_follow_the_same_rules() -> None:
    world = make_world()
    _rfq, (inv, *_rest) = make_rfq(world)
    firm = Client()
    firm.force_login(world.makers[inv.manufacturer.slug])
    url = f"/rfqs/invitations/{inv.pk}/messages"
    firm.post(url, {"body": "x", "file": SimpleUploadedFile("page.html", b"<script>1</script>")})
    firm.post(url, {"body": "w", "file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00\x03")})
    firm.post(url, {"body": "y", "file": SimpleUploadedFile("setup.exe", PDF)})
    assert Message.objects.count() == 0
    firm.post(url, {"body": "z", "file": SimpleUploadedFile("quote sheet.pdf", POLYGLOT)})
    msg = Message.objects.get()
    assert msg.file.name.endswith(".pdf") and "quote" not in msg.file.name
    assert msg.file_name == "quote sheet.pdf"
    download = firm.get(f"/rfqs/messages/{msg.pk}/file")
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="quote sheet.pdf"' in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    b"".join(download.streaming_content)  # read to the end: the client closes the file


def test_inspect_and_display_name_pure() -> None:
    import io

    with pytest.raises(InputError):
        inspect_upload(io.BytesIO(PDF), name="x.exe", size=len(PDF), kind="drawing",
                       max_bytes=10**6)
    assert inspect_upload(io.BytesIO(PDF), name="x", size=len(PDF), kind="drawing",
                          max_bytes=10**6) == "pdf"
    assert display_name("../../etc/passwd\x00.pdf") == "passwd.pdf"
    assert display_name("C:\\Users\\me\\도면.pdf") == "도면.pdf"
    long = display_name("𠀀" * 500 + ".step")
    assert len(long) == 200 and long.endswith(".step")
