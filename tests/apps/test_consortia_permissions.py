"""The permission matrix: every window / consortium page and endpoint, for everyone around a
joint order. The window's coordinator manages; the startup reads its project's consortium and
sends its project; an invited firm answers its own invitation; everyone else gets 404
(anonymous visitors: the login page on HTML, 401 on the API) and nothing changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from shisaku.consortia import services
from shisaku.consortia.models import Consortium, ConsortiumMember, WindowRequest
from tests.apps.test_consortia_support import World, make_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other_startup", "maker", "other_maker", "coord", "other_coord")


@pytest.fixture
def world() -> World:
    world = make_world()
    inquiry = services.window_send(actor=world.owner, project=world.project,
                                   coordinator=world.coordinator)
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    services.consortium_invite(actor=world.coord, consortium=consortium)
    world.ids = {"p": world.project.pk, "i": inquiry.pk, "c": consortium.pk,  # type: ignore[attr-defined]
                 "m": ConsortiumMember.objects.get(package_id="frame").pk}
    return world


# (name, method, url, data, who may): data "json:" prefix = JSON body.
PAGES: list[tuple[str, str, str, Any, set[str]]] = [
    ("inbox", "get", "/window/", None, {"coord", "other_coord"}),
    ("triage", "post", "/window/inquiries/{i}", {"window-{i}-status": "closed"}, {"coord"}),
    ("sync", "post", "/window/sync", {}, {"coord", "other_coord"}),
    ("digest", "get", "/window/digest", None, {"coord", "other_coord"}),
    ("send form", "get", "/window/send/{p}", None, {"owner"}),
    ("send", "post", "/window/send/{p}", {"coordinator": "{coordinator}"}, {"owner"}),
    ("propose", "post", "/window/projects/{p}/consortium", {}, {"coord"}),
    ("consortium", "get", "/window/consortia/{c}/", None, {"owner", "coord"}),
    ("packages", "post", "/window/consortia/{c}/packages", {"packages": "[]"}, {"coord"}),
    ("invite", "post", "/window/consortia/{c}/invite", {}, {"coord"}),
    ("form", "post", "/window/consortia/{c}/form", {}, {"coord"}),
    ("bookkeeping", "post", "/window/consortia/{c}/bookkeeping",
     {"consortium-{c}-notes": "hacked"}, {"coord"}),
    ("invitations", "get", "/window/invitations/", None, {"maker", "other_maker"}),
    ("respond", "post", "/window/invitations/{m}/respond", {"answer": "accept"}, {"maker"}),
]
API: list[tuple[str, str, str, Any, set[str]]] = [
    ("send", "post", "/api/v1/consortia/window",
     {"project": "{p}", "coordinator": "{coordinator}"}, {"owner"}),
    ("window", "get", "/api/v1/consortia/window", None, {"coord", "other_coord"}),
    ("triage", "patch", "/api/v1/consortia/window/{i}", {"notes": "hacked"}, {"coord"}),
    ("propose", "post", "/api/v1/consortia/propose", {"project": "{p}"}, {"coord"}),
    ("get", "get", "/api/v1/consortia/{c}", None, {"owner", "coord"}),
    ("packages", "put", "/api/v1/consortia/{c}/packages", {"packages": []}, {"coord"}),
    ("invite", "post", "/api/v1/consortia/{c}/invite", {}, {"coord"}),
    ("form", "post", "/api/v1/consortia/{c}/form", {}, {"coord"}),
    ("respond", "post", "/api/v1/consortia/invitations/{m}/respond", {"answer": "accept"},
     {"maker"}),
]


def _fill(value: Any, world: World) -> Any:
    ids = {**world.ids, "coordinator": world.coordinator.pk}  # type: ignore[attr-defined]
    if isinstance(value, str):
        out = value
        for key, number in ids.items():
            out = out.replace("{" + key + "}", str(number))
        return int(out) if out.isdigit() and value.startswith("{") else out
    if isinstance(value, dict):
        return {_fill(k, world): _fill(v, world) for k, v in value.items()}
    return value


def _state() -> tuple[Any, ...]:
    return (list(WindowRequest.objects.order_by("pk").values_list("status", "notes", "owner",
                                                                 "note")),
            list(Consortium.objects.order_by("pk").values_list("status", "notes", "packages")),
            list(ConsortiumMember.objects.order_by("pk").values_list("state", "manufacturer")))


def _login(client: Client, world: World, role: str) -> None:
    user = world.users()[role]
    if user is not None:
        client.force_login(user)


def _call(client: Client, method: str, url: str, data: Any, api: bool) -> Any:
    if api:
        body = json.dumps(data) if data is not None else None
        return getattr(client, method)(url, body, content_type="application/json") \
            if body is not None else getattr(client, method)(url)
    return getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)


def _run(client: Client, world: World, role: str, spec: tuple[Any, ...], api: bool) -> None:
    name, method, url, data, allowed = spec
    _login(client, world, role)
    before = _state()
    response = _call(client, method, _fill(url, world), _fill(data, world), api)
    if role in allowed:
        assert response.status_code not in (401, 403, 404), (name, role, response.status_code)
        return
    if role == "anonymous":
        expected = 401 if api else 302
        assert response.status_code == expected, (name, role, response.status_code)
        if not api:
            assert "/accounts/login" in response.url
    else:
        assert response.status_code == 404, (name, role, response.status_code)
    assert _state() == before, (name, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", PAGES, ids=[p[0] for p in PAGES])
def test_pages(client: Client, world: World, role: str, spec: tuple[Any, ...]) -> None:
    _run(client, world, role, spec, api=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", API, ids=[a[0] for a in API])
def test_api(client: Client, world: World, role: str, spec: tuple[Any, ...]) -> None:
    _run(client, world, role, spec, api=True)


@pytest.mark.parametrize("role", ROLES)
def test_invitation_lists_show_only_their_own(client: Client, world: World, role: str) -> None:
    _login(client, world, role)
    response = client.get("/api/v1/consortia/invitations")
    if role == "anonymous":
        assert response.status_code == 401
        return
    slugs = {m["manufacturer"]["slug"] for m in response.json()}
    assert slugs == ({"frame-a"} if role == "maker" else set())
    page = client.get("/window/invitations/")
    if role in ("maker", "other_maker"):
        assert ("Smart lamp" in page.content.decode()) == (role == "maker")


def test_another_window_shows_nothing_of_this_one(client: Client, world: World) -> None:
    _login(client, world, "other_coord")
    for url in ("/window/", "/window/digest"):
        assert "Smart lamp" not in client.get(url).content.decode()
    assert client.get("/api/v1/consortia/window").json() == []
    _login(client, world, "coord")
    kinds = {r["kind"] for r in client.get("/api/v1/consortia/window").json()}
    assert kinds == {"window", "consortium"}


def test_the_startup_reads_without_coordinator_fields(client: Client, world: World) -> None:
    _login(client, world, "owner")
    body = client.get(f"/api/v1/consortia/{world.ids['c']}").json()  # type: ignore[attr-defined]
    assert body["can_manage"] is False and body["notes"] == "" and body["owner"] is None
    _login(client, world, "coord")
    assert client.get(f"/api/v1/consortia/{world.ids['c']}").json()["can_manage"] is True  # type: ignore[attr-defined]
