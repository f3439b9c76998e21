"""The window's pages through the browser-less client: send, inbox with filters, triage, digest,
propose → edit packages → invite → a firm answers → form."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from shisaku.consortia import services
from shisaku.consortia.models import Consortium, ConsortiumMember, WindowRequest
from shisaku.projects.models import Project
from tests.apps.browser_form import form_data, form_index_of
from tests.apps.test_consortia_support import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _as(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_startup_sends_its_project(client: Client, world: World) -> None:
    _as(client, world.owner)
    page = client.get(f"/window/send/{world.project.pk}")
    assert page.status_code == 200 and world.coordinator.name in page.content.decode()
    response = client.post(f"/window/send/{world.project.pk}", {
        "coordinator": world.coordinator.pk, "note": "we need a housing and a board"})
    assert response.status_code == 302
    inquiry = WindowRequest.objects.get()
    assert inquiry.coordinator == world.coordinator and "housing" in inquiry.note
    bad = client.post(f"/window/send/{world.project.pk}", {"coordinator": world.startup.pk})
    assert bad.status_code == 200 and WindowRequest.objects.count() == 1


def test_inbox_lists_and_filters(client: Client, world: World) -> None:
    services.window_send(actor=world.owner, project=world.project, coordinator=world.coordinator)
    _as(client, world.coord)
    html = client.get("/window/").content.decode()
    assert "Smart lamp" in html and 'data-kind="window"' in html
    assert 'data-kind="window"' not in client.get("/window/?kind=consortium").content.decode()
    assert "Smart lamp" not in client.get("/window/?stage=mass_production").content.decode()
    assert "Smart lamp" in client.get("/window/?status=new&kind=window").content.decode()
    assert "Smart lamp" not in client.get("/window/?status=closed").content.decode()
    partial = client.get("/window/?kind=window", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Smart lamp" in partial.content
    assert "Coordinator window" in html  # the nav item


def test_triage_from_the_inbox(client: Client, world: World) -> None:
    inquiry = services.window_send(actor=world.owner, project=world.project,
                                   coordinator=world.coordinator)
    _as(client, world.coord)
    prefix = f"window-{inquiry.pk}"
    client.post(f"/window/inquiries/{inquiry.pk}", {
        f"{prefix}-status": "triaged", f"{prefix}-owner": world.coord_colleague.pk,
        f"{prefix}-notes": "two firms in Gumi"})
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.owner, inquiry.notes) == (
        "triaged", world.coord_colleague, "two firms in Gumi")
    # an owner from another organisation is not offered (the form refuses it)
    client.post(f"/window/inquiries/{inquiry.pk}", {f"{prefix}-owner": world.other_coord.pk})
    inquiry.refresh_from_db()
    assert inquiry.owner == world.coord_colleague


def test_digest_page_and_sync(client: Client, world: World) -> None:
    services.window_send(actor=world.owner, project=world.project, coordinator=world.coordinator)
    _as(client, world.coord)
    assert client.post("/window/sync").status_code == 302  # nothing stuck today
    assert not WindowRequest.objects.filter(kind="stuck").exists()
    old = timezone.now() - datetime.timedelta(days=10)
    Project.objects.filter(pk=world.project.pk).update(stage_changed_at=old)
    client.post("/window/sync", {"days": "30"})
    assert not WindowRequest.objects.filter(kind="stuck").exists()
    client.post("/window/sync", {"days": "7"})
    assert WindowRequest.objects.get(kind="stuck").project == world.project
    assert 'data-kind="stuck"' in client.get("/window/?kind=stuck").content.decode()
    page = client.get("/window/digest")
    assert page.status_code == 200 and "Smart lamp" in page.content.decode()


def test_the_whole_flow_in_pages(client: Client, world: World) -> None:
    services.window_send(actor=world.owner, project=world.project, coordinator=world.coordinator)
    _as(client, world.coord)
    response = client.post(f"/window/projects/{world.project.pk}/consortium")
    consortium = Consortium.objects.get()
    assert response.url == f"/window/consortia/{consortium.pk}/"
    page = client.get(response.url).content.decode()
    assert "Integration A" in page and 'data-testid="invite"' in page
    # the packages form as the page shows it: a package without processes is shown back with
    # the error on its row; nothing changes
    form = form_data(page, form_index_of(page, "/packages"))
    bad = client.post(f"/window/consortia/{consortium.pk}/packages",
                      {**form, "packages-0-processes": []})
    assert bad.status_code == 422 and 'href="#id_packages-0-processes"' in bad.content.decode()
    consortium.refresh_from_db()
    assert consortium.packages[0]["name"] != "Moulded case"
    client.post(f"/window/consortia/{consortium.pk}/packages",
                {**form, "packages-0-name": "Moulded case"})
    consortium.refresh_from_db()
    assert consortium.packages[0]["name"] == "Moulded case"
    client.post(f"/window/consortia/{consortium.pk}/invite")
    consortium.refresh_from_db()
    assert consortium.status == "inviting"
    # the frame firm sees its invitation and accepts in its page
    maker = Client()
    _as(maker, world.makers["frame-a"])
    page = maker.get("/window/invitations/").content.decode()
    assert "Smart lamp" in page and "Housing A" not in page
    row = ConsortiumMember.objects.get(package_id="frame")
    maker.post(f"/window/invitations/{row.pk}/respond", {"answer": "accept"})
    row.refresh_from_db()
    assert row.state == "accepted"
    while (member := consortium.members.filter(state="invited").first()) is not None:
        services.member_respond(actor=world.makers[member.manufacturer.slug], member=member,
                                answer="accept")
    assert b'data-testid="form"' in client.get(f"/window/consortia/{consortium.pk}/").content
    client.post(f"/window/consortia/{consortium.pk}/form")
    consortium.refresh_from_db()
    assert consortium.status == "formed"
    # the startup reads it, without the coordinator's buttons
    startup = Client()
    _as(startup, world.owner)
    page = startup.get(f"/window/consortia/{consortium.pk}/").content.decode()
    assert "Formed" in page and "Edit the work packages" not in page and "%" in page
