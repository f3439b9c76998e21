"""The joint quote: a formed consortium's lead answers the startup with one quote through a
normal RFQ, shown in the comparison as a joint quote; the award is recorded on the consortium.
And the window's RFQ inquiries (no firm left, no quote, acknowledgement overdue)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shisaku.consortia import selectors, services
from shisaku.consortia.models import Consortium
from shisaku.core.models import AuditEvent
from shisaku.errors import InputError
from shisaku.projects.models import ProgrammeSettings
from shisaku.rfq import selectors as rfq_selectors
from shisaku.rfq import services as rfq_services
from shisaku.rfq.models import Invitation
from tests.apps.test_consortia_support import World, make_world

pytestmark = pytest.mark.django_db

LEAD = "integration-a"


@pytest.fixture
def world() -> World:
    return make_world()


def _formed(world: World, *, ready: bool = True) -> Consortium:
    services.window_send(actor=world.owner, project=world.project,
                         coordinator=world.coordinator.pk)
    if ready:  # the programme accepts parts at any completeness
        ProgrammeSettings.objects.create(coordinator=world.coordinator, rfq_min_completeness=0.0)
    world.project.refresh_from_db()
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    consortium = services.consortium_invite(actor=world.coord, consortium=consortium)
    while (member := consortium.members.filter(state="invited").first()) is not None:
        services.member_respond(actor=world.makers[member.manufacturer.slug], member=member,
                                answer="accept")
    return services.consortium_form(actor=world.coord, consortium=consortium)


def _quote(world: World, invitation: Invitation, price: str = "10") -> Any:
    rfq = invitation.rfq
    lines = [{"part": p.pk, "tier": t, "unit_price": price}
             for p in rfq.parts.all() for t in rfq.quantity_tiers]
    return rfq_services.quote_submit(
        actor=world.makers[LEAD], invitation=invitation, lines=lines, currency="KRW",
        lead_time_days=30, valid_until=timezone.localdate() + dt.timedelta(days=30))


def test_joint_quote_flow_from_formed_to_award(world: World) -> None:
    consortium = _formed(world)
    rfq = services.joint_quote_open(actor=world.coord, consortium=consortium)
    assert rfq.status == "sent" and rfq.project_id == world.project.pk
    assert set(rfq.parts.values_list("name", flat=True)) == {"Case", "Frame",
                                                            "Controller board"}
    assert rfq.quantity_tiers == [300]  # the project's pilot quantity
    invitation = rfq.invitations.get()  # the lead alone
    assert invitation.manufacturer.slug == LEAD
    # idempotent: the consortium's RFQ is reused
    again = services.joint_quote_open(actor=world.makers[LEAD], consortium=consortium)
    assert again.pk == rfq.pk and rfq.invitations.count() == 1

    quote = _quote(world, invitation)
    data = rfq_selectors.comparison(user=world.owner, rfq=rfq)
    (row,) = data["rows"]
    assert row["quote"].pk == quote.pk and row["total"] is not None
    joint = row["joint"]
    assert joint["consortium"].pk == consortium.pk
    names = {m["manufacturer"].slug for m in joint["members"]}
    assert names == {"integration-a", "housing-a", "frame-a", "board-a"}
    assert sum(m["share_pct"] for m in joint["members"]) == pytest.approx(
        Decimal("100"), abs=Decimal("0.05"))

    awards = rfq_services.award_create(actor=world.owner, rfq=rfq, quote_id=quote.pk)
    consortium.refresh_from_db()
    assert consortium.award_id == awards[0].pk and consortium.awarded_at is not None
    event = AuditEvent.objects.get(action="consortia.award")
    shares = event.data["shares"]
    assert set(shares) == {str(world.firms[s].pk) for s in names}
    assert sum(Decimal(v) for v in shares.values()) == pytest.approx(
        Decimal("100"), abs=Decimal("0.05"))
    # an awarded joint RFQ is reused, never a second one
    assert services.joint_quote_open(actor=world.coord, consortium=consortium).pk == rfq.pk


def test_joint_quote_needs_a_formed_consortium_and_the_right_people(world: World) -> None:
    services.window_send(actor=world.owner, project=world.project,
                         coordinator=world.coordinator.pk)
    ProgrammeSettings.objects.create(coordinator=world.coordinator, rfq_min_completeness=0.0)
    world.project.refresh_from_db()
    proposed = services.consortium_propose(actor=world.coord, project=world.project)
    with pytest.raises(InputError) as err:
        services.joint_quote_open(actor=world.coord, consortium=proposed)
    assert err.value.field == "status"
    Consortium.objects.filter(pk=proposed.pk).delete()
    consortium = _formed_again(world)
    for user in (world.owner, world.makers["housing-a"], world.other_coord,
                 world.outsider_maker):
        with pytest.raises(InputError) as err:
            services.joint_quote_open(actor=user, consortium=consortium)
        assert err.value.field == "consortium"
    # the lead firm's member may open it
    rfq = services.joint_quote_open(actor=world.makers[LEAD], consortium=consortium)
    assert rfq.invitations.get().manufacturer.slug == LEAD


def _formed_again(world: World) -> Consortium:
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    consortium = services.consortium_invite(actor=world.coord, consortium=consortium)
    while (member := consortium.members.filter(state="invited").first()) is not None:
        services.member_respond(actor=world.makers[member.manufacturer.slug], member=member,
                                answer="accept")
    return services.consortium_form(actor=world.coord, consortium=consortium)


def test_parts_not_ready_are_refused_like_any_rfq(world: World) -> None:
    consortium = _formed(world, ready=False)
    with pytest.raises(InputError) as err:
        services.joint_quote_open(actor=world.coord, consortium=consortium)
    assert err.value.field == "parts"
    consortium.refresh_from_db()
    assert consortium.rfq is None


def test_only_the_leads_members_submit_and_the_startup_sees_it_like_any_quote(
        world: World, client: Any) -> None:
    consortium = _formed(world)
    rfq = services.joint_quote_open(actor=world.coord, consortium=consortium)
    invitation = rfq.invitations.get()
    url = f"/rfqs/invitations/{invitation.pk}/quote"
    form = {"currency": "KRW", "tooling_cost": "0", "lead_time_days": "30",
            "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            **{f"price_{p.pk}_300": "10" for p in rfq.parts.all()}}
    for slug in ("housing-a", "frame-a", "board-a"):  # members, but not the lead
        client.force_login(world.makers[slug])
        assert client.post(url, form).status_code == 404
        assert client.get(f"/rfqs/invitations/{invitation.pk}/").status_code == 404
    client.force_login(world.coord)  # the coordinator reads the RFQ but cannot quote
    assert client.post(url, form).status_code == 404
    assert not invitation.quotes.exists()
    client.force_login(world.makers[LEAD])
    assert client.post(url, form).status_code == 302
    quote = invitation.quotes.get()

    client.force_login(world.owner)
    page = client.get(f"/rfqs/{rfq.pk}/compare").content.decode()
    assert 'data-testid="joint-integration-a"' in page
    assert "Housing A" in page and "Board A" in page
    assert f'data-testid="award-{LEAD}"' in page
    response = client.post(f"/rfqs/{rfq.pk}/award", {"quote": quote.pk})
    assert response.status_code == 302
    consortium.refresh_from_db()
    assert consortium.awarded_at is not None
    page = client.get(f"/window/consortia/{consortium.pk}/").content.decode()
    assert 'data-testid="awarded"' in page


def test_a_normal_award_leaves_consortia_alone(world: World) -> None:
    consortium = _formed(world)
    part = world.project.parts.first()
    assert part is not None
    rfq = rfq_services.rfq_create(actor=world.owner, project=world.project, part_ids=[part.pk],
                                  quantity_tiers=[300],
                                  quote_deadline=timezone.now() + dt.timedelta(days=7))
    (invitation,) = rfq_services.rfq_send(actor=world.owner, rfq=rfq,
                                          manufacturer_ids=[world.firms[LEAD].pk])
    quote = _quote(world, invitation)
    assert rfq_selectors.comparison(user=world.owner, rfq=rfq)["rows"][0]["joint"] is None
    rfq_services.award_create(actor=world.owner, rfq=rfq, quote_id=quote.pk)
    consortium.refresh_from_db()
    assert consortium.award is None and consortium.awarded_at is None


def test_coordinator_opens_the_joint_quote_in_the_browser_flow(world: World,
                                                               client: Any) -> None:
    consortium = _formed(world)
    client.force_login(world.owner)  # the startup reads, but cannot open it
    assert client.post(f"/window/consortia/{consortium.pk}/joint-quote").status_code == 404
    client.force_login(world.coord)
    page = client.get(f"/window/consortia/{consortium.pk}/").content.decode()
    assert 'data-testid="open-joint-quote"' in page
    assert client.post(f"/window/consortia/{consortium.pk}/joint-quote").status_code == 302
    consortium.refresh_from_db()
    assert consortium.rfq is not None
    page = client.get(f"/window/consortia/{consortium.pk}/").content.decode()
    assert 'data-testid="open-joint-quote"' not in page
    assert f"/rfqs/{consortium.rfq.pk}/" in page


# --- RFQ inquiries in the window ---------------------------------------------------------------

def _rfq(world: World, *, firms: tuple[str, ...] = ("frame-a", "frame-b"),
         now: dt.datetime | None = None) -> tuple[Any, list[Invitation]]:
    now = now or timezone.now()
    part = world.project.parts.get(name="Frame")
    rfq = rfq_services.rfq_create(actor=world.owner, project=world.project, part_ids=[part.pk],
                                  quantity_tiers=[300], quote_deadline=now + dt.timedelta(days=7),
                                  now=now)
    if not firms:
        return rfq, []
    return rfq, rfq_services.rfq_send(actor=world.owner, rfq=rfq, now=now,
                                      manufacturer_ids=[world.firms[s].pk for s in firms])


@pytest.fixture
def supported(world: World) -> World:
    services.window_send(actor=world.owner, project=world.project,
                         coordinator=world.coordinator.pk)
    ProgrammeSettings.objects.create(coordinator=world.coordinator, rfq_min_completeness=0.0)
    world.project.refresh_from_db()
    return world


def _kinds(rows: list[dict[str, Any]]) -> list[tuple[str, int, str | None]]:
    return sorted((r["kind"], r["rfq"].pk,
                   r["invitation"].manufacturer.slug if r["invitation"] else None)
                  for r in rows)


def test_rfq_inquiries_list_what_needs_the_window(supported: World) -> None:
    world = supported
    now = timezone.now()
    assert selectors.rfq_inquiries(user=world.coord, now=now) == []
    fresh, invitations = _rfq(world, now=now)
    assert selectors.rfq_inquiries(user=world.coord, now=now) == []  # within every deadline
    later = now + dt.timedelta(hours=rfq_services.ack_hours() + 1)
    assert _kinds(selectors.rfq_inquiries(user=world.coord, now=later)) == [
        ("ack_overdue", fresh.pk, "frame-a"), ("ack_overdue", fresh.pk, "frame-b")]
    rfq_services.invitation_acknowledge(actor=world.makers["frame-a"],
                                        invitation=invitations[0], now=now)
    assert _kinds(selectors.rfq_inquiries(user=world.coord, now=later)) == [
        ("ack_overdue", fresh.pk, "frame-b")]

    declined, (inv,) = _rfq(world, firms=("frame-b",), now=now)
    rfq_services.invitation_decline(actor=world.makers["frame-b"], invitation=inv,
                                    reason="capacity", now=now)
    stale, _none = _rfq(world, firms=(), now=now - dt.timedelta(days=3))
    type(stale).objects.filter(pk=stale.pk).update(created_at=now - dt.timedelta(days=3))
    assert ("no_maker", stale.pk, None) in _kinds(selectors.rfq_inquiries(user=world.coord,
                                                                          now=now))
    fresh_draft, _none = _rfq(world, firms=(), now=now)  # a fresh draft is no trouble yet
    assert ("no_maker", fresh_draft.pk, None) not in _kinds(
        selectors.rfq_inquiries(user=world.coord, now=now))
    past = now + dt.timedelta(days=8)  # every quote deadline passed, no quote
    rows = selectors.rfq_inquiries(user=world.coord, now=past)
    kinds = _kinds(rows)
    assert ("no_maker", declined.pk, None) in kinds
    assert ("no_maker", stale.pk, None) in kinds
    assert ("no_quote", fresh.pk, None) in kinds
    assert ("no_quote", declined.pk, None) not in kinds  # nobody left: said once, as no_maker
    assert all(r["project"].pk == world.project.pk for r in rows)

    # a quote removes the no-quote row; an award or a cancellation removes the RFQ
    _quote_as(world, invitations[0], now=now)
    assert ("no_quote", fresh.pk, None) not in _kinds(
        selectors.rfq_inquiries(user=world.coord, now=past))
    rfq_services.rfq_cancel(actor=world.owner, rfq=stale)
    assert ("no_maker", stale.pk, None) not in _kinds(
        selectors.rfq_inquiries(user=world.coord, now=past))

    # only the project's coordinator sees them
    for user in (world.other_coord, world.owner, world.makers["frame-a"]):
        assert selectors.rfq_inquiries(user=user, now=past) == []


def _quote_as(world: World, invitation: Invitation, *, now: dt.datetime) -> None:
    rfq = invitation.rfq
    rfq_services.quote_submit(
        actor=world.makers[invitation.manufacturer.slug], invitation=invitation,
        lines=[{"part": p.pk, "tier": 300, "unit_price": "5"} for p in rfq.parts.all()],
        currency="KRW", lead_time_days=10, valid_until=timezone.localdate() + dt.timedelta(days=30),
        now=now)


def test_window_page_links_the_rfq_inquiries(supported: World, client: Any) -> None:
    world = supported
    past = timezone.now() - dt.timedelta(days=3)
    stale, _none = _rfq(world, firms=(), now=past)
    type(stale).objects.filter(pk=stale.pk).update(created_at=past)  # auto_now_add
    client.force_login(world.coord)
    page = client.get("/window/").content.decode()
    assert f'data-kind="no_maker" data-rfq="{stale.pk}"' in page
    assert f'href="/rfqs/{stale.pk}/"' in page
    client.force_login(world.other_coord)
    page = client.get("/window/").content.decode()
    assert f'data-rfq="{stale.pk}"' not in page
