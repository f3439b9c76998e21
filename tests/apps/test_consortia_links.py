"""Consortium invitations for firms without an account: a proposed consortium never plans a
firm that cannot answer; a firm with a contact e-mail and no members gets a personal link,
accepts or declines the work through ``member_respond`` (audited "via link"), and the link
stops opening once the firm answered, the consortium is formed, or it is revoked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from shisaku.consortia import links, services
from shisaku.core.links import LinkRefused
from shisaku.core.models import AuditEvent
from tests.apps.test_consortia_support import World, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_link_rate_counts() -> None:
    """The link pages' rate limit counts per client address and minute in the cache: every
    test starts from zero (the test client's address is always 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()


TOKEN = re.compile(r"/window/link/([^/\s]+)/")


@pytest.fixture
def world() -> World:
    from shisaku.accounts.models import Membership
    from shisaku.directory.services import manufacturers_save
    from tests.factories import capability, record

    world = make_world()
    # frame-a (the cheapest reachable frame firm) has no member, only a contact e-mail ...
    frame_a = world.firms["frame-a"]
    Membership.objects.filter(organisation=frame_a.organisation).delete()
    frame_a.contact_email = "sales@frame-a.example"
    frame_a.save(update_fields=["contact_email"])
    # ... and frame-z, cheaper still, has neither: it can never answer.
    manufacturers_save(records=[record("Frame Z", "KR-47", slug="frame-z", price_level=0.3,
                                       stages=["prototyping", "dfm", "small_lot"],
                                       capabilities=[capability(p, materials=["aluminum_6061"])
                                                     for p in ("cnc_milling",
                                                               "surface_finishing")])])
    services.window_send(actor=world.owner, project=world.project,
                         coordinator=world.coordinator.pk)
    return world


def _token() -> str:
    for message in reversed(mail.outbox):
        if "sales@frame-a.example" in message.to:
            return TOKEN.search(message.body).group(1)  # type: ignore[union-attr]
    raise AssertionError("no link mailed")


def _invited(world: World) -> Any:
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    frame = consortium.plan["members"]["frame"]["manufacturer"]["slug"]
    assert frame == "frame-a"  # not frame-z: nobody could reach it
    return services.consortium_invite(actor=world.coord, consortium=consortium)


def test_the_link_firm_accepts_via_link_and_the_team_forms(world: World) -> None:
    consortium = _invited(world)
    token = _token()
    client = Client()
    page = client.get(f"/window/link/{token}/")
    assert page.status_code == 200 and "Frame A" in page.content.decode()
    assert "Housing A" not in page.content.decode()  # nothing of the other members
    assert client.post(f"/window/link/{token}/respond", {"answer": "accept"}).status_code == 302
    event = AuditEvent.objects.get(action="consortia.member_accept")
    assert event.data["via"] == "link" and event.actor is None
    again = client.post(f"/window/link/{token}/respond", {"answer": "decline"})
    assert again.status_code == 410  # answered: reuse changes nothing
    assert consortium.members.get(package_id="frame").state == "accepted"
    for slug, package in (("housing-a", "housing"), ("board-a", "board"),
                          ("integration-a", "lead")):
        services.member_respond(actor=world.makers[slug], answer="accept",
                                member=consortium.members.get(package_id=package))
    consortium = services.consortium_form(actor=world.coord, consortium=consortium)
    assert consortium.status == "formed"
    gone = client.get(f"/window/link/{token}/")
    assert gone.status_code == 410 and 'data-reason="expired"' in gone.content.decode()


def test_a_decline_by_link_replans_and_an_rfq_link_opens_nothing_here(world: World) -> None:
    consortium = _invited(world)
    token = _token()
    import json
    api = Client()
    got = api.get("/api/v1/portal/consortium", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert got.status_code == 200 and got.json()["slots"][0]["package"] == "frame"
    done = api.post("/api/v1/portal/consortium/respond", json.dumps({"answer": "decline"}),
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert done.status_code == 200
    consortium.refresh_from_db()
    assert consortium.plan["members"]["frame"]["manufacturer"]["slug"] == "frame-b"
    used = api.post("/api/v1/portal/consortium/respond", json.dumps({"answer": "accept"}),
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert used.status_code == 410
    # An RFQ link's signature never opens a consortium invitation, and the reverse.
    with pytest.raises(LinkRefused) as info:
        from shisaku.rfq.links import invitation_link_open
        invitation_link_open(token=token)
    assert info.value.reason == "forged"


def test_the_coordinator_revokes_and_reissues(world: World) -> None:
    consortium = _invited(world)
    token = _token()
    firm = world.firms["frame-a"]
    coord = Client()
    coord.force_login(world.coord)
    page = coord.get(f"/window/consortia/{consortium.pk}/").content.decode()
    assert 'data-testid="link-state"' in page
    url = f"/window/consortia/{consortium.pk}/members/{firm.pk}/link/"
    outsider = Client()
    outsider.force_login(world.owner)  # the startup reads the consortium, manages nothing
    assert outsider.post(url + "revoke").status_code == 404
    assert coord.post(url + "revoke").status_code == 302
    assert Client().get(f"/window/link/{token}/").status_code == 403
    assert coord.post(url + "reissue").status_code == 302
    fresh = _token()
    assert fresh != token and Client().get(f"/window/link/{fresh}/").status_code == 200
    with pytest.raises(LinkRefused):
        links.member_link_open(token=token)


def test_the_link_firm_can_claim_its_profile_from_the_consortium_portal(world: World) -> None:
    from shisaku.accounts.models import Membership

    _invited(world)
    token = _token()
    firm = world.firms["frame-a"]
    # frame-a's organisation lost its members in the fixture; a claimable profile has none.
    org = firm.organisation
    firm.organisation = None
    firm.save(update_fields=["organisation"])
    assert not Membership.objects.filter(organisation=org).exists()
    client = Client()
    assert 'data-testid="claim-profile"' in client.get(f"/window/link/{token}/").content.decode()
    step = client.post(f"/window/link/{token}/claim")
    assert step.status_code == 302 and step.url.startswith(f"/manufacturers/{firm.slug}/claim/?via=")
    assert client.get(step.url).status_code == 200
    assert client.post(f"/window/link/{token}x/claim").status_code == 403
