"""Answer without an account: RFQ candidates that can be reached, the personal link e-mailed
to a firm with a contact e-mail and no members, its portal (acknowledge, NDA, quote, decline,
messages through the same services, audited "via link", on the same reply-time clock) and the
links that do not open (forged, revoked, expired, used up), which change nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from shisaku.core.links import LinkRefused
from shisaku.core.models import AuditEvent
from shisaku.errors import InputError
from shisaku.rfq import links, services
from shisaku.rfq.models import Invitation, InvitationLink, Message, Quote
from tests.apps.test_rfq_support import make_world

# Links go out by e-mail after the transaction commits: real transactions here.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_link_rate_counts() -> None:
    """The link pages' rate limit counts per client address and minute in the cache: every
    test starts from zero (the test client's address is always 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()


HOUR = dt.timedelta(hours=1)
TOKEN = re.compile(r"/rfqs/link/([^/\s]+)/")


def add_firm(slug: str, *, email: str = "", score_first: bool = True) -> Any:
    """A CNC firm without members (best reply time and rating when ``score_first``)."""
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturers_save
    from tests.factories import capability, record

    manufacturers_save(records=[record(f"{slug.title()} Works", "KR-41", slug=slug,
                                       reply_median_hours=0.5 if score_first else 9.0,
                                       rating=5.0 if score_first else 3.0,
                                       contact_email=email,
                                       capabilities=[capability("cnc_milling",
                                                                max_lot=100_000)])])
    return Manufacturer.objects.get(slug=slug)


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    settings.SHISAKU_SITE_URL = "https://shisaku.example"
    return make_world()


def draft(world: Any, now: dt.datetime | None = None) -> Any:
    now = now or timezone.now()
    return services.rfq_create(actor=world.owner, project=world.project,
                               part_ids=[p.pk for p in world.parts], quantity_tiers=[10, 300],
                               quote_deadline=now + 48 * HOUR, now=now)


def token_from_outbox(address: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            found = TOKEN.search(message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no link mailed to {address}")


def sent_to_link_firm(world: Any, *, now: dt.datetime | None = None) -> dict[str, Any]:
    kilo = add_firm("kilo", email="rfq@kilo.example")
    rfq = draft(world, now)
    invitations = services.rfq_send(actor=world.owner, rfq=rfq,
                                    manufacturer_ids=[kilo.pk, world.firms["alpha"].pk],
                                    now=now)
    inv = next(i for i in invitations if i.manufacturer_id == kilo.pk)
    return {"rfq": rfq, "inv": inv, "kilo": kilo, "token": token_from_outbox("rfq@kilo.example")}


def test_candidates_include_contact_email_firms_and_list_the_unreachable(world: Any) -> None:
    add_firm("kilo", email="rfq@kilo.example")
    add_firm("zulu")  # best score, but neither a member nor an e-mail
    rfq = draft(world)
    reachable, unreachable = services_split(rfq)
    slugs = [m.slug for m, _s in reachable]
    assert "kilo" in slugs and "zulu" not in slugs
    assert [m.slug for m, _s in unreachable] == ["zulu"]
    assert links.reachability([m for m, _s in reachable])[reachable[slugs.index("kilo")][0].pk] \
        == "link"
    with pytest.raises(InputError) as info:
        services.rfq_send(actor=world.owner, rfq=rfq,
                          manufacturer_ids=[unreachable[0][0].pk])
    assert info.value.field == "manufacturers" and "contact e-mail" in info.value.reason


def services_split(rfq: Any) -> Any:
    from shisaku.rfq.candidates import rfq_candidates_split
    return rfq_candidates_split(rfq=rfq, limit=10)


def test_sending_mails_a_personal_link_in_the_firms_language(world: Any) -> None:
    s = sent_to_link_firm(world)
    message = next(m for m in mail.outbox if "rfq@kilo.example" in m.to)
    assert "https://shisaku.example/rfqs/link/" in message.body
    assert "견적" in message.subject  # a Korean firm reads Korean
    link = InvitationLink.objects.get(invitation=s["inv"])
    assert link.email == "rfq@kilo.example" and s["token"] not in link.nonce_hash
    # Members of alpha are notified in the app as before; nobody else got a link.
    assert InvitationLink.objects.count() == 1
    assert AuditEvent.objects.filter(action="rfq.link.issue").count() == 1


def test_the_firm_answers_through_the_same_services_audited_via_link(world: Any) -> None:
    now = timezone.now()
    s = sent_to_link_firm(world, now=now)
    link = links.invitation_link_open(token=s["token"])
    actor = links.link_actor(link)
    services.invitation_view(actor=actor, invitation=link.invitation, now=now + HOUR / 4)
    inv = services.invitation_acknowledge(actor=actor, invitation=link.invitation,
                                          now=now + HOUR / 2)
    assert inv.status == "acknowledged" and inv.acknowledged_at == now + HOUR / 2
    services.message_post(actor=actor, invitation=inv, body="Which anodising colour?",
                          from_manufacturer=True)
    quote = services.quote_submit(
        actor=actor, invitation=inv, currency="KRW", tooling_cost="150000",
        lead_time_days=12, valid_until=(now + dt.timedelta(days=20)).date(),
        lines=[{"part": p.pk, "tier": t, "unit_price": "9000"} for p in world.parts
               for t in (10, 300)], now=now + HOUR)
    assert quote.submitted_by is None and quote.lines.count() == 4
    assert Message.objects.get().author is None
    for action in ("rfq.invitation.view", "rfq.invitation.acknowledge", "rfq.message",
                   "rfq.quote.submit"):
        event = AuditEvent.objects.get(action=action)
        assert event.data["via"] == "link" and event.actor is None, action
    # The same reply-time clock: half an hour to acknowledge.
    from shisaku.rfq.models import ReplyStats
    assert ReplyStats.objects.get(manufacturer=s["kilo"]).ack_median_hours == 0.5
    # The startup is told as for any firm.
    assert world.owner.notifications.filter(kind="quote").exists()


def test_decline_uses_the_link_up_and_nothing_else_changes(world: Any) -> None:
    s = sent_to_link_firm(world)
    link = links.invitation_link_open(token=s["token"])
    services.invitation_decline(actor=links.link_actor(link), invitation=link.invitation,
                                reason="capacity")
    with pytest.raises(LinkRefused) as info:
        links.invitation_link_open(token=s["token"])
    assert (info.value.reason, info.value.status) == ("used", 410)


@pytest.mark.parametrize("tamper", ["", "abc", "x:y", "{t}x", "{t_other_kind}"])
def test_forged_tokens_are_refused_403(world: Any, tamper: str) -> None:
    s = sent_to_link_firm(world)
    from django.core import signing
    other = signing.Signer(salt="shisaku.link.consortium").sign(s["token"].split(":")[0])
    token = tamper.replace("{t}", s["token"]).replace("{t_other_kind}", other)
    with pytest.raises(LinkRefused) as info:
        links.invitation_link_open(token=token)
    assert (info.value.reason, info.value.status) == ("forged", 403)


def test_revoke_and_reissue(world: Any) -> None:
    s = sent_to_link_firm(world)
    assert links.invitation_link_revoke(actor=world.owner, invitation=s["inv"]) == 1
    with pytest.raises(LinkRefused) as info:
        links.invitation_link_open(token=s["token"])
    assert (info.value.reason, info.value.status) == ("revoked", 403)
    _link, fresh = links.invitation_link_issue(actor=world.coord, invitation=s["inv"])
    assert token_from_outbox("rfq@kilo.example") == fresh
    assert links.invitation_link_open(token=fresh).invitation == s["inv"]
    _link, newer = links.invitation_link_issue(actor=world.owner, invitation=s["inv"])
    with pytest.raises(LinkRefused):  # a re-issue revokes the previous link
        links.invitation_link_open(token=fresh)
    assert links.invitation_link_open(token=newer)


def test_links_expire_with_the_request(world: Any) -> None:
    now = timezone.now()
    s = sent_to_link_firm(world, now=now)
    with pytest.raises(LinkRefused) as info:  # past the quote deadline, before the job runs
        links.invitation_link_open(token=s["token"], now=now + 49 * HOUR)
    assert (info.value.reason, info.value.status) == ("expired", 410)
    services.rfq_cancel(actor=world.owner, rfq=s["rfq"])
    with pytest.raises(LinkRefused) as info:
        links.invitation_link_open(token=s["token"])
    assert info.value.reason == "expired"
    with pytest.raises(InputError):  # and no new link for a closed request
        links.invitation_link_issue(actor=world.owner, invitation=s["inv"])


def test_the_firm_is_emailed_about_the_award(world: Any) -> None:
    now = timezone.now()
    s = sent_to_link_firm(world, now=now)
    link = links.invitation_link_open(token=s["token"])
    quote = services.quote_submit(
        actor=links.link_actor(link), invitation=link.invitation, currency="KRW",
        lead_time_days=12, valid_until=(now + dt.timedelta(days=20)).date(),
        lines=[{"part": world.parts[0].pk, "tier": 10, "unit_price": "9000"}])
    mail.outbox.clear()
    services.award_create(actor=world.owner, rfq=s["rfq"], quote_id=quote.pk)
    assert any("rfq@kilo.example" in m.to for m in mail.outbox)
    with pytest.raises(LinkRefused) as info:
        links.invitation_link_open(token=s["token"])
    assert info.value.reason == "expired" and info.value.context["won"]


# --- the portal pages --------------------------------------------------------------------

def _state() -> tuple[Any, ...]:
    return (sorted(Invitation.objects.values_list("pk", "status")),
            Quote.objects.count(), Message.objects.count())


def test_portal_walk(world: Any) -> None:
    s = sent_to_link_firm(world)
    client = Client()
    base = f"/rfqs/link/{s['token']}/"
    page = client.get(base)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    body = page.content.decode()
    assert world.parts[0].name in body and "Alpha" not in body  # nothing of the others
    assert client.post(base + "acknowledge").status_code == 302
    data = {"currency": "KRW", "tooling_cost": "0", "lead_time_days": "9",
            "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            **{f"price_{p.pk}_{t}": "1200" for p in world.parts for t in (10, 300)}}
    assert client.post(base + "quote", data).status_code == 302
    inv = Invitation.objects.get(pk=s["inv"].pk)
    assert inv.status == "quoted" and inv.quotes.get().lines.count() == 4
    assert client.post(base + "messages", {"body": "Delivery to Daegu?"}).status_code == 302
    again = client.get(base).content.decode()
    assert "Delivery to Daegu?" in again and "1200" in again


@pytest.mark.parametrize("case", ["forged", "revoked", "expired"])
def test_portal_refuses_with_a_page_and_changes_nothing(world: Any, case: str) -> None:
    s = sent_to_link_firm(world)
    token = s["token"]
    if case == "forged":
        token = token[:-2] + "zz"
    elif case == "revoked":
        links.invitation_link_revoke(actor=world.owner, invitation=s["inv"])
    else:
        services.rfq_cancel(actor=world.owner, rfq=s["rfq"])
    before = _state()
    client = Client()
    status = 403 if case in ("forged", "revoked") else 410
    for method, path, data in (("get", "", None), ("post", "acknowledge", {}),
                               ("post", "decline", {"reason": "capacity"}),
                               ("post", "messages", {"body": "x"})):
        response = getattr(client, method)(f"/rfqs/link/{token}/{path}", data or {})
        assert response.status_code == status, (case, path)
        assert f'data-reason="{case}"' in response.content.decode()
        assert "new link" in response.content.decode()
    assert _state() == before


def test_portal_pages_are_rate_limited(world: Any, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.SHISAKU_LINK_RATE_PER_MINUTE = 3
    client = Client()
    codes = [client.get("/rfqs/link/nonsense/").status_code for _ in range(5)]
    assert codes == [403, 403, 403, 429, 429]
    cache.clear()


def test_startup_and_coordinator_revoke_and_reissue_from_the_rfq_page(world: Any) -> None:
    s = sent_to_link_firm(world)
    owner = Client()
    owner.force_login(world.owner)
    page = owner.get(f"/rfqs/{s['rfq'].pk}/").content.decode()
    assert 'data-testid="link-state"' in page and "rfq@kilo.example" not in page  # private
    assert owner.post(f"/rfqs/invitations/{s['inv'].pk}/link/revoke").status_code == 302
    assert Client().get(f"/rfqs/link/{s['token']}/").status_code == 403
    coord = Client()
    coord.force_login(world.coord)
    mail.outbox.clear()
    assert coord.post(f"/rfqs/invitations/{s['inv'].pk}/link/reissue").status_code == 302
    assert Client().get(f"/rfqs/link/{token_from_outbox('rfq@kilo.example')}/").status_code == 200
    rival = Client()
    rival.force_login(world.other_startup)
    assert rival.post(f"/rfqs/invitations/{s['inv'].pk}/link/revoke").status_code == 404


# --- the portal over the API -------------------------------------------------------------

def _api(client: Client, method: str, path: str, token: str, data: Any = None) -> Any:
    import json
    return getattr(client, method)(f"/api/v1/portal/invitation{path}",
                                   data=json.dumps(data) if data is not None else None,
                                   content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_portal_quote_and_refusals(world: Any) -> None:
    s = sent_to_link_firm(world)
    client = Client()
    got = _api(client, "get", "", s["token"])
    assert got.status_code == 200 and got.json()["status"] == "viewed"
    assert got.json()["request"]["invitations"] == []  # nothing of the other firms
    assert _api(client, "post", "/acknowledge", s["token"]).json()["status"] == "acknowledged"
    quote = {"lines": [{"part": world.parts[0].pk, "tier": 10, "unit_price": "5"}],
             "currency": "KRW", "lead_time_days": 7,
             "valid_until": (timezone.localdate() + dt.timedelta(days=9)).isoformat()}
    created = _api(client, "post", "/quotes", s["token"], quote)
    assert created.status_code == 201 and created.json()["revision"] == 1
    bad = _api(client, "post", "/quotes", s["token"], {**quote, "currency": "XXX"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "currency"
    before = _state()
    forged = _api(client, "post", "/quotes", s["token"] + "x", quote)
    assert forged.status_code == 403 and forged.json()["link"] == "forged"
    assert "new link" in forged.json()["detail"][0]["reason"]
    assert client.get("/api/v1/portal/invitation").status_code == 403  # no token at all
    links.invitation_link_revoke(actor=world.owner, invitation=s["inv"])
    assert _api(client, "post", "/acknowledge", s["token"]).json()["link"] == "revoked"
    _link, fresh = links.invitation_link_issue(actor=world.owner, invitation=s["inv"])
    services.rfq_cancel(actor=world.owner, rfq=s["rfq"])
    gone = _api(client, "post", "/quotes", fresh, quote)
    assert gone.status_code == 410 and gone.json()["link"] == "expired"
    assert _state()[1:] == before[1:]


# --- claim the profile in one step from the portal ----------------------------------------

def test_the_firm_claims_its_profile_from_the_portal_in_one_step(world: Any) -> None:
    from urllib.parse import parse_qs, urlparse

    from shisaku.accounts.models import User
    from shisaku.claims.models import Claim

    s = sent_to_link_firm(world)
    person = User.objects.create_user(username="kilo-boss", email="boss@kilo.example")
    client = Client()
    client.force_login(person)
    portal = client.get(f"/rfqs/link/{s['token']}/").content.decode()
    assert 'data-testid="claim-profile"' in portal
    step = client.post(f"/rfqs/link/{s['token']}/claim")
    assert step.status_code == 302 and step.url.startswith("/manufacturers/kilo/claim/")
    via = parse_qs(urlparse(step.url).query)["via"][0]
    assert client.get(step.url).status_code == 200
    done = client.post(step.url, {"via": via, "registration_number": "", "email": ""})
    assert done.status_code == 302
    claim = Claim.objects.get(manufacturer=s["kilo"])
    assert claim.via_contact_link and claim.applicant == person
    # Approved automatically (contact-link evidence): the firm now answers from its account.
    s["kilo"].refresh_from_db()
    assert claim.status == "approved" and s["kilo"].organisation is not None
    assert person.memberships.get().organisation == s["kilo"].organisation
    # A forged portal link proves nothing.
    assert client.post(f"/rfqs/link/{s['token']}x/claim").status_code == 403
    assert Claim.objects.count() == 1


def test_api_candidates_say_how_each_firm_answers(world: Any) -> None:
    add_firm("kilo", email="rfq@kilo.example")
    rfq = draft(world)
    client = Client()
    client.force_login(world.owner)
    rows = client.get(f"/api/v1/rfqs/{rfq.pk}/candidates").json()
    reach = {r["manufacturer"]["slug"]: r["reach"] for r in rows}
    assert reach["kilo"] == "link" and reach["alpha"] == "account"


class BrokenMailBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


def test_a_link_mail_that_fails_is_marked_once_and_the_startup_sees_it(world: Any,
                                                                       settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.apps.test_rfq_links.BrokenMailBackend"
    kilo = add_firm("kilo", email="rfq@kilo.example")
    rfq = draft(world)
    [inv] = services.rfq_send(actor=world.owner, rfq=rfq, manufacturer_ids=[kilo.pk])
    link = InvitationLink.objects.get(invitation=inv)
    assert link.mail_error.startswith("ConnectionRefusedError")  # one attempt, recorded
    client = Client()
    client.force_login(world.owner)
    page = client.get(f"/rfqs/{rfq.pk}/").content.decode()
    assert 'data-testid="link-mail-error"' in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _link, _token = links.invitation_link_issue(actor=world.owner, invitation=inv)
    assert InvitationLink.objects.get(pk=_link.pk).mail_error == ""
    assert 'data-testid="link-mail-error"' not in client.get(f"/rfqs/{rfq.pk}/").content.decode()
