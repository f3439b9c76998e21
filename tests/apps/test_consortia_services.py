"""The window and the consortium workflow through the services: send, triage, stuck projects,
the digest, propose → invite → answers (a decline re-plans) → formed with shares, audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shisaku.consortia import services
from shisaku.consortia.models import Consortium, ConsortiumMember, WindowRequest
from shisaku.core.models import AuditEvent
from shisaku.errors import InputError
from shisaku.projects.models import Project
from tests.apps.test_consortia_support import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _sent(world: World) -> WindowRequest:
    return services.window_send(actor=world.owner, project=world.project,
                                coordinator=world.coordinator.pk, note="please find us makers")


def _slots(consortium: Consortium) -> dict[str, str]:
    return {m.package_id: m.manufacturer.slug
            for m in consortium.members.filter(state__in=["invited", "accepted"])}


def test_send_sets_the_coordinator_and_opens_one_inquiry(world: World) -> None:
    inquiry = _sent(world)
    world.project.refresh_from_db()
    assert world.project.coordinator == world.coordinator
    assert (inquiry.kind, inquiry.status, inquiry.note) == ("window", "new",
                                                            "please find us makers")
    again = services.window_send(actor=world.owner, project=world.project,
                                 coordinator=world.coordinator, note="still looking")
    assert again.pk == inquiry.pk and again.note == "still looking"
    assert AuditEvent.objects.filter(action="consortia.window_send").count() == 2
    with pytest.raises(InputError):  # only the startup sends its project
        services.window_send(actor=world.other_startup, project=world.project,
                             coordinator=world.coordinator)
    with pytest.raises(InputError) as exc:
        services.window_send(actor=world.owner, project=world.project,
                             coordinator=world.owner.memberships.first().organisation.pk)
    assert exc.value.field == "coordinator"


def test_triage_checks_transitions_and_owner(world: World) -> None:
    inquiry = _sent(world)
    services.inquiry_update(actor=world.coord, inquiry=inquiry, status="triaged",
                            owner=world.coord_colleague.pk, notes="call them Monday")
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.owner, inquiry.notes) == ("triaged", world.coord_colleague,
                                                             "call them Monday")
    services.inquiry_update(actor=world.coord, inquiry=inquiry, status="closed")
    with pytest.raises(InputError):
        services.inquiry_update(actor=world.coord, inquiry=inquiry, status="triaged")
    with pytest.raises(InputError) as exc:
        services.inquiry_update(actor=world.coord, inquiry=inquiry, owner=world.other_coord.pk)
    assert exc.value.field == "owner"
    with pytest.raises(InputError):
        services.inquiry_update(actor=world.other_coord, inquiry=inquiry, notes="mine")
    assert AuditEvent.objects.filter(action="consortia.inquiry_update").count() == 2


def test_stuck_projects_open_one_inquiry_each(world: World) -> None:
    _sent(world)
    now = timezone.now() + datetime.timedelta(days=40)
    assert services.window_sync_stuck(coordinator=world.coordinator, now=now) == 1
    assert services.window_sync_stuck(coordinator=world.coordinator, now=now) == 0
    assert services.window_sync_stuck(coordinator=world.coordinator) == 0  # not stuck today
    assert services.window_sync_stuck(coordinator=world.other_coordinator, now=now) == 0
    stuck = WindowRequest.objects.get(kind="stuck")
    assert stuck.project == world.project


def test_digest_lists_the_week(world: World, mailoutbox: list) -> None:
    _sent(world)
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    digest = services.window_digest(coordinator=world.coordinator)
    assert "Smart lamp" in digest["text"] and "Smart lamp" in digest["html"]
    assert len(digest["context"]["new_inquiries"]) == 1
    assert digest["context"]["forming"] == [consortium]
    assert digest["context"]["unowned"] == 1
    empty = services.window_digest(coordinator=world.other_coordinator)
    assert "Smart lamp" not in empty["text"]
    # one mail per member (in that person's language): coord and coord-b, and coord2
    assert services.window_digest_send() == 3
    to = {tuple(m.to) for m in mailoutbox}
    assert {("coord-b@example.org",), ("coord@example.org",)} <= to


def test_propose_splits_into_four_packages_and_plans(world: World) -> None:
    _sent(world)
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    assert [p["id"] for p in consortium.packages] == ["housing", "frame", "board", "integration"]
    assert consortium.plan["status"] == "optimal"
    assert consortium.lead.slug == "integration-a"
    assert {k: v["manufacturer"]["slug"] for k, v in consortium.plan["members"].items()} == {
        "housing": "housing-a", "frame": "frame-a", "board": "board-a",
        "integration": "integration-a"}
    with pytest.raises(InputError):  # one open consortium per project
        services.consortium_propose(actor=world.coord, project=world.project)
    with pytest.raises(InputError):
        services.consortium_invite(actor=world.other_coord, consortium=consortium)


def test_only_the_projects_coordinator_proposes(world: World) -> None:
    with pytest.raises(InputError):  # not sent to any window yet
        services.consortium_propose(actor=world.coord, project=world.project)
    _sent(world)
    for actor in (world.other_coord, world.owner, world.makers["frame-a"]):
        with pytest.raises(InputError):
            services.consortium_propose(actor=actor, project=world.project)


def test_edit_packages_validates_and_replans(world: World) -> None:
    _sent(world)
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    packages = [p for p in consortium.packages if p["id"] != "board"]
    packages[-1]["depends_on"] = ["housing", "frame"]
    services.consortium_packages_set(actor=world.coord, consortium=consortium,
                                     packages=packages)
    consortium.refresh_from_db()
    assert set(consortium.plan["members"]) == {"housing", "frame", "integration"}
    with pytest.raises(InputError):
        services.consortium_packages_set(actor=world.coord, consortium=consortium,
                                         packages=[{"id": "lead", "processes": ["cnc_milling"]}])
    with pytest.raises(InputError):
        services.consortium_packages_set(actor=world.coord, consortium=consortium, packages=[
            {"id": "x", "processes": ["not_a_process"]}])


def test_decline_replans_and_the_team_forms_with_shares(world: World) -> None:
    _sent(world)
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    consortium = services.consortium_invite(actor=world.coord, consortium=consortium)
    assert consortium.status == "inviting"
    assert _slots(consortium) == {"lead": "integration-a", "housing": "housing-a",
                                  "frame": "frame-a", "board": "board-a",
                                  "integration": "integration-a"}
    row = ConsortiumMember.objects.get(consortium=consortium, package_id="frame")
    with pytest.raises(InputError):  # another firm cannot answer for frame-a
        services.member_respond(actor=world.makers["board-a"], member=row, answer="accept")
    services.member_respond(actor=world.makers["housing-a"], answer="accept",
                            member=consortium.members.get(package_id="housing"))
    consortium = services.member_respond(actor=world.makers["frame-a"], member=row,
                                         answer="decline")
    assert consortium.status == "inviting"
    slots = _slots(consortium)
    assert slots["frame"] == "frame-b" and slots["housing"] == "housing-a"
    assert consortium.plan["members"]["frame"]["manufacturer"]["slug"] == "frame-b"
    row.refresh_from_db()
    assert row.state == "declined" and row.responded_at is not None
    with pytest.raises(InputError):  # an answer is final
        services.member_respond(actor=world.makers["frame-a"], member=row, answer="accept")
    with pytest.raises(InputError):
        services.consortium_form(actor=world.coord, consortium=consortium)
    # the lead answers for both its slots at once
    services.member_respond(actor=world.makers["integration-a"], answer="accept",
                            member=consortium.members.get(package_id="lead"))
    for slug, package in (("frame-b", "frame"), ("board-a", "board")):
        services.member_respond(actor=world.makers[slug], answer="accept",
                                member=consortium.members.get(package_id=package,
                                                              state="invited"))
    consortium = services.consortium_form(actor=world.coord, consortium=consortium)
    assert consortium.status == "formed" and consortium.formed_at is not None
    shares = services.firm_shares(consortium)
    assert sum(shares.values()) == pytest.approx(Decimal("100"), abs=Decimal("0.05"))
    assert shares[world.firms["frame-b"].pk] > shares[world.firms["board-a"].pk]  # dearer firm
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"consortia.propose", "consortia.invite", "consortia.member_accept",
            "consortia.member_decline", "consortia.form"} <= actions


def test_no_firm_left_fails_the_consortium(world: World) -> None:
    _sent(world)
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    consortium = services.consortium_invite(actor=world.coord, consortium=consortium)
    for slug in ("board-a", "board-b"):
        row = consortium.members.get(package_id="board", state="invited")
        assert row.manufacturer.slug == slug
        consortium = services.member_respond(actor=world.makers[slug], member=row,
                                             answer="decline")
    assert consortium.status == "failed"
    assert "board" in consortium.plan["infeasible_packages"]
    assert not consortium.members.filter(state__in=["invited", "accepted"]).exists()
    # the coordinator edits the packages (drop the board) and proposes again
    packages = [p for p in consortium.packages if p["id"] != "board"]
    packages[-1]["depends_on"] = ["housing", "frame"]
    consortium = services.consortium_packages_set(actor=world.coord, consortium=consortium,
                                                  packages=packages)
    assert consortium.status == "proposed" and consortium.plan["status"] == "optimal"


def test_deleted_projects_are_refused(world: World) -> None:
    _sent(world)
    Project.objects.filter(pk=world.project.pk).update(deleted_at=timezone.now())
    world.project.refresh_from_db()
    with pytest.raises(InputError):
        services.consortium_propose(actor=world.coord, project=world.project)
