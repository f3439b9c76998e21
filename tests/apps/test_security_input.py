"""Input that used to end in a 500 answers 4xx with the field and the reason (issue #11):
NUL bytes and lone surrogates in JSON strings, form fields and query parameters; JSON bodies
that are not objects; multipart requests without a boundary; file names too long for a disk.
Nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.api import api as ninja_api
from shisaku.projects.models import PartFile, Project
from shisaku.rfq.models import Message
from tests.apps.test_projects_support import PDF, member
from tests.apps.test_rfq_support import make_rfq, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def startup() -> Client:
    user, _org = member("mina", "startup")
    client = Client()
    client.force_login(user)
    return client


def _post_raw(client: Client, url: str, raw: str) -> Any:
    return client.post(url, data=raw.encode("utf-8", "surrogatepass"),
                       content_type="application/json")


@pytest.mark.parametrize(("raw", "field"), [
    ('{"title": "glove\\u0000"}', "title"),                 # the NUL
    ('{"title": "glove\\ud800"}', "title"),                 # a lone surrogate
    ('{"title": "ok", "summary": {"ko": "\\udfff x"}}', "summary.ko"),
    ('{"title": "ok", "summary": {"k\\u0000o": "x"}}', "summary.k\x00o"),
])
def test_json_strings_that_cannot_be_stored(startup: Client, raw: str, field: str) -> None:
    response = _post_raw(startup, "/api/v1/projects", raw)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["field"] == field
    assert Project.objects.count() == 0


def _json_post_operations() -> list[str]:
    schema = ninja_api.get_openapi_schema()
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            content = (op.get("requestBody") or {}).get("content", {})
            if method in {"post", "put", "patch"} and "application/json" in content:
                out.append(f"{method} {path}")
    return out


@pytest.mark.parametrize("body", ['"a string"', "[1, 2]", "42", "null", "true"])
def test_every_json_operation_refuses_a_body_that_is_not_an_object(startup: Client,
                                                                   body: str) -> None:
    operations = _json_post_operations()
    assert len(operations) >= 15
    for op in operations:
        method, path = op.split(" ", 1)
        url = "/api/v1" + path.removeprefix("/api/v1")
        for name in ("project_id", "part_id", "rfq_id", "invitation_id", "pk", "consortium_id",
                     "inquiry_id", "manufacturer_id", "estimate_id", "file_id"):
            url = url.replace("{" + name + "}", "1")
        response = getattr(startup, method)(url, data=body, content_type="application/json")
        assert response.status_code == 422, (op, body, response.status_code)
        assert response.json()["detail"][0]["field"] == "body", op


def test_invalid_json_is_a_400_with_the_field(startup: Client) -> None:
    response = _post_raw(startup, "/api/v1/projects", '{"title": ')
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "body"


def test_query_parameters_with_nul(startup: Client) -> None:
    api = Client().get("/api/v1/manufacturers", {"q": "cnc\x00"})
    assert api.status_code == 422 and api.json()["detail"][0]["field"] == "q"
    page = Client().get("/manufacturers/", {"q": "cnc\x00"})
    assert page.status_code == 400 and b"q: contains a NUL" in page.content
    korean = Client(HTTP_ACCEPT_LANGUAGE="ko").get("/manufacturers/", {"q": "cnc\x00"})
    assert korean.status_code == 400 and "NUL 문자" in korean.content.decode()


def test_form_fields_with_nul_are_refused_and_nothing_is_stored(settings: Any) -> None:
    world = make_world()
    _rfq, (inv, *_rest) = make_rfq(world)
    firm = Client()
    firm.force_login(world.makers[inv.manufacturer.slug])
    response = firm.post(f"/rfqs/invitations/{inv.pk}/messages", {"body": "hello\x00world"})
    assert response.status_code == 400 and b"body: contains a NUL" in response.content
    assert Message.objects.count() == 0


def test_multipart_without_a_boundary(startup: Client) -> None:
    project = json.loads(_post_raw(startup, "/api/v1/projects", '{"title": "Glove"}').content)
    part = startup.post(f"/api/v1/projects/{project['id']}/parts", data={"name": "Housing"},
                        content_type="application/json").json()
    url = f"/api/v1/projects/{project['id']}/parts/{part['id']}/files"
    response = startup.post(url, data=b"--x\r\nContent-Disposition: form-data; name=kind\r\n"
                            b"\r\ndrawing\r\n--x--\r\n", content_type="multipart/form-data")
    assert response.status_code == 400, response.content
    assert response.json()["detail"][0]["field"] == "body"
    page = startup.post(f"/projects/{project['id']}/parts/{part['id']}/files", data=b"x",
                        content_type="multipart/form-data")
    assert page.status_code == 400
    # a boundary, but a body that does not follow it (a header line without a name)
    damaged = startup.post(url, data=b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
                           content_type="multipart/form-data; boundary=b")
    assert 400 <= damaged.status_code < 500, damaged.content
    assert PartFile.objects.count() == 0


@pytest.mark.parametrize("name", ["𠀀" * 200 + ".pdf", "a" * 400 + ".pdf",
                                  "도면" * 150 + ".pdf"])
def test_file_names_too_long_for_the_disk(startup: Client, name: str) -> None:
    project = json.loads(_post_raw(startup, "/api/v1/projects", '{"title": "Glove"}').content)
    part = startup.post(f"/api/v1/projects/{project['id']}/parts", data={"name": "Housing"},
                        content_type="application/json").json()
    url = f"/api/v1/projects/{project['id']}/parts/{part['id']}/files"
    response = startup.post(url, {"kind": "drawing",
                                  "file": SimpleUploadedFile(name, PDF, "application/pdf")})
    assert response.status_code == 201, response.content
    stored = PartFile.objects.get()
    assert stored.original_name == name[:255] or len(stored.original_name) <= 255
    assert stored.original_name.endswith(".pdf")
    assert len(stored.file.name.rsplit("/", 1)[-1].encode()) < 100


def test_message_attachment_with_a_long_name() -> None:
    world = make_world()
    _rfq, (inv, *_rest) = make_rfq(world)
    firm = Client()
    firm.force_login(world.makers[inv.manufacturer.slug])
    upload = SimpleUploadedFile("𠀀" * 120 + ".pdf", PDF, "application/pdf")
    response = firm.post(f"/rfqs/invitations/{inv.pk}/messages", {"body": "see", "file": upload})
    assert response.status_code == 302
    msg = Message.objects.get()
    assert len(msg.file.name.rsplit("/", 1)[-1].encode()) < 100
