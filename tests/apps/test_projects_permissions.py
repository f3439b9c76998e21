"""The permission matrix: every project page and endpoint, for everyone around a project.

Only members of the owning startup and of its coordinator organisation read or change it;
everyone else gets 404 (anonymous visitors: the login page on HTML, 401 on the API), and
nothing changes. Deleting is for the startup's members only.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.projects.models import ChecklistTick, Part, PartFile, Project
from tests.apps.test_projects_support import World, binary_stl, make_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "colleague", "other_startup", "maker", "coord", "other_coord")
CAN_SEE = {"owner", "colleague", "coord"}
CAN_DELETE = {"owner", "colleague"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload() -> dict[str, Any]:
    return {"kind": "cad", "file": SimpleUploadedFile("evil.stl", binary_stl())}


# (name, method, url, data, kind): kind "read" | "write" | "delete".
PAGES: list[tuple[str, str, str, Any, str]] = [
    ("detail", "get", "/projects/{p}/", None, "read"),
    ("edit form", "get", "/projects/{p}/edit", None, "read"),
    ("edit", "post", "/projects/{p}/edit", {"title": "Hacked", "summary_language": "en",
                                            "currency": "USD", "confidentiality": "private"},
     "write"),
    ("delete", "post", "/projects/{p}/delete", {}, "delete"),
    ("stage", "post", "/projects/{p}/stage", {"to_stage": "spec_review"}, "write"),
    ("checklist", "post", "/projects/{p}/checklist", {"item": "bd_customer", "done": "1"},
     "write"),
    ("part form", "get", "/projects/{p}/parts/new", None, "read"),
    ("part create", "post", "/projects/{p}/parts/new", {"name": "Hacked",
                                                        "quantity_per_unit": "1"}, "write"),
    ("part page", "get", "/projects/{p}/parts/{q}/", None, "read"),
    ("part edit", "post", "/projects/{p}/parts/{q}/", {"hints_sent": "1", "name": "Hacked",
                                                       "quantity_per_unit": "9"}, "write"),
    ("spec fields", "get", "/projects/{p}/parts/{q}/spec-fields", None, "read"),
    ("part delete", "post", "/projects/{p}/parts/{q}/delete", {}, "write"),
    ("upload", "post", "/projects/{p}/parts/{q}/files", "upload", "write"),
    ("download", "get", "/projects/{p}/parts/{q}/files/{f}", None, "read"),
    ("file delete", "post", "/projects/{p}/parts/{q}/files/{f}/delete", {}, "write"),
]
API: list[tuple[str, str, str, Any, str]] = [
    ("get", "get", "/api/v1/projects/{p}", None, "read"),
    ("patch", "patch", "/api/v1/projects/{p}", {"title": "Hacked"}, "write"),
    ("delete", "delete", "/api/v1/projects/{p}", None, "delete"),
    ("stage", "post", "/api/v1/projects/{p}/stage", {"to_stage": "spec_review"}, "write"),
    ("checklist", "post", "/api/v1/projects/{p}/checklist", {"item": "bd_customer"}, "write"),
    ("completeness", "get", "/api/v1/projects/{p}/completeness", None, "read"),
    ("parts", "get", "/api/v1/projects/{p}/parts", None, "read"),
    ("part create", "post", "/api/v1/projects/{p}/parts", {"name": "Hacked"}, "write"),
    ("part get", "get", "/api/v1/projects/{p}/parts/{q}", None, "read"),
    ("part patch", "patch", "/api/v1/projects/{p}/parts/{q}", {"name": "Hacked"}, "write"),
    ("part delete", "delete", "/api/v1/projects/{p}/parts/{q}", None, "write"),
    ("upload", "post", "/api/v1/projects/{p}/parts/{q}/files", "upload", "write"),
]


def _state(world: World) -> tuple[Any, ...]:
    project = Project.objects.get(pk=world.project.pk)
    return (project.title, project.stage, project.currency, project.deleted_at,
            sorted(Part.objects.filter(project=project).values_list("name", "quantity_per_unit")),
            sorted(PartFile.objects.values_list("id", flat=True)),
            sorted(ChecklistTick.objects.values_list("item", flat=True)))


def _call(client: Client, method: str, url: str, data: Any, api: bool) -> Any:
    if data == "upload":
        return client.post(url, _upload())
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, data=json.dumps(data or {}),
                                       content_type="application/json")
    return client.post(url, data or {})


def _run(client: Client, role: str, spec: tuple[str, str, str, Any, str], api: bool) -> None:
    world = make_world()
    name, method, template, data, kind = spec
    user = world.users()[role]
    if user is not None:
        client.force_login(user)
    url = template.format(p=world.project.pk, q=world.part.pk, f=world.part_file.pk)
    before = _state(world)
    response = _call(client, method, url, data, api)
    allowed = role in (CAN_DELETE if kind == "delete" else CAN_SEE)
    # Read a streamed body through the test client's wrapper: it closes the file and the
    # response without closing the database connection of the test transaction.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if allowed:
        assert response.status_code not in (401, 403, 404), (name, role, response.status_code)
        if kind != "read" and response.status_code < 400:
            assert _state(world) != before, (name, role, "allowed write changed nothing")
        return
    if user is None:
        expected = 401 if api else 302
        assert response.status_code == expected, (name, role, response.status_code)
        if not api:
            assert "/accounts/login" in response["Location"]
    else:
        assert response.status_code == 404, (name, role, response.status_code)
    assert _state(world) == before, (name, role, "refused request changed data")
    assert b"Rehab glove" not in body and b"Finger housing" not in body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", PAGES, ids=[s[0] for s in PAGES])
def test_pages(client: Client, role: str, spec: tuple[str, str, str, Any, str]) -> None:
    _run(client, role, spec, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", API, ids=[s[0] for s in API])
def test_api(client: Client, role: str, spec: tuple[str, str, str, Any, str]) -> None:
    _run(client, role, spec, api=True)


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_what_is_theirs(client: Client, role: str) -> None:
    world = make_world()
    user = world.users()[role]
    if user is not None:
        client.force_login(user)
    page = client.get("/projects/")
    api = client.get("/api/v1/projects")
    if user is None:
        assert page.status_code == 302 and api.status_code == 401
        return
    assert page.status_code == 200 and api.status_code == 200
    sees = role in CAN_SEE
    assert ("Rehab glove" in page.content.decode()) is sees
    assert ([p["id"] for p in api.json()] == [world.project.pk]) is sees
    if not sees:
        assert api.json() == []


def test_a_part_cannot_be_reached_through_another_project(client: Client) -> None:
    from shisaku.projects import services

    world = make_world()
    own = services.project_create(actor=world.other_startup,
                                  organisation=world.other_startup.memberships.get().organisation,
                                  data={"title": "Mine"})
    client.force_login(world.other_startup)
    for url in (f"/projects/{own.pk}/parts/{world.part.pk}/",
                f"/projects/{own.pk}/parts/{world.part.pk}/files/{world.part_file.pk}",
                f"/api/v1/projects/{own.pk}/parts/{world.part.pk}"):
        assert client.get(url).status_code == 404, url
    response = client.patch(f"/api/v1/projects/{own.pk}/parts/{world.part.pk}",
                            data=json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code == 404


def test_nobody_creates_a_project_for_a_startup_they_are_not_in(client: Client) -> None:
    world = make_world()
    client.force_login(world.other_startup)
    response = client.post("/api/v1/projects", data=json.dumps(
        {"title": "Squat", "organisation": world.startup.pk}), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "organisation"
    for user in (world.maker, world.coord):
        client.force_login(user)
        response = client.post("/api/v1/projects", data=json.dumps({"title": "Squat"}),
                               content_type="application/json")
        assert response.status_code == 422
    assert not Project.objects.filter(title="Squat").exists()


def test_coordinator_board_shows_only_their_projects(client: Client) -> None:
    world = make_world()
    for user, count in ((world.coord, 1), (world.other_coord, 0)):
        client.force_login(user)
        assert client.get("/projects/coordinator").context["count"] == count
    for user in (world.owner, world.maker, world.other_startup):
        client.force_login(user)
        assert client.get("/projects/coordinator").status_code == 404
