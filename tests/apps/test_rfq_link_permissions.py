"""The authorisation matrix of the link portal: a personal link x every page and endpoint it
might try to reach, in every state of the link (live, revoked, expired with its request, used
up by a decline).

A live link opens its own invitation's portal and nothing else: not another invitation's files
or messages (404), not another RFQ, not the member pages or the member API (the link is no
login), not a consortium invitation. Once revoked (403) or expired (410) or used up (410) it
opens no page at all, and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shisaku.rfq import links, services
from shisaku.rfq.models import Invitation, Message, NdaAcceptance, Quote
from tests.apps.test_rfq_links import add_firm
from tests.apps.test_rfq_support import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_link_rate_counts() -> None:
    """The link pages' rate limit counts per client address and minute in the cache: every
    test starts from zero (the test client's address is always 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TOKEN = re.compile(r"/rfqs/link/([^/\s]+)/")
STATES = ("live", "revoked", "expired", "used")


def _token(address: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to and (found := TOKEN.search(message.body)):
            return found.group(1)
    raise AssertionError(address)


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> dict[str, Any]:
    from shisaku.projects.services import part_file_add, project_update

    settings.MEDIA_ROOT = tmp_path
    settings.HOME = tmp_path
    w = make_world()
    project_update(actor=w.owner, project=w.project, data={"confidentiality": "invited"})
    drawing = part_file_add(actor=w.owner, part=w.parts[0], kind="drawing",
                            upload=SimpleUploadedFile("housing.pdf", PDF))
    kilo = add_firm("kilo", email="rfq@kilo.example")
    lima = add_firm("lima", email="rfq@lima.example")
    now = timezone.now()

    def rfq_to(firms: list[Any], title: str) -> tuple[Any, list[Invitation]]:
        rfq = services.rfq_create(actor=w.owner, project=w.project,
                                  part_ids=[p.pk for p in w.parts], quantity_tiers=[10],
                                  quote_deadline=now + dt.timedelta(days=3), title=title)
        return rfq, services.rfq_send(actor=w.owner, rfq=rfq,
                                      manufacturer_ids=[f.pk for f in firms])

    rfq1, (inv_kilo, inv_lima, inv_alpha) = rfq_to([kilo, lima, w.firms["alpha"]], "First")
    kilo_token, lima_token = _token("rfq@kilo.example"), _token("rfq@lima.example")
    rfq2, (inv_kilo2,) = rfq_to([kilo], "Second")
    kilo2_token = _token("rfq@kilo.example")
    # lima accepted the NDA and wrote; alpha (a member) wrote too: none of it is kilo's.
    lima_actor = links.link_actor(links.invitation_link_open(token=lima_token))
    from shisaku.rfq import nda
    nda.nda_accept(actor=lima_actor, invitation=inv_lima)
    lima_msg = services.message_post(actor=lima_actor, invitation=inv_lima, body="lima secret",
                                     from_manufacturer=True,
                                     upload=SimpleUploadedFile("lima.txt", b"lima file"))
    services.message_post(actor=w.makers["alpha"], invitation=inv_alpha, body="alpha secret",
                          from_manufacturer=True)
    return {"w": w, "drawing": drawing, "rfq1": rfq1, "rfq2": rfq2, "kilo": inv_kilo,
            "lima": inv_lima, "alpha": inv_alpha, "kilo2": inv_kilo2, "token": kilo_token,
            "kilo2_token": kilo2_token, "lima_msg": lima_msg}


def _state() -> tuple[Any, ...]:
    return (sorted(Invitation.objects.values_list("pk", "status")), Quote.objects.count(),
            Message.objects.count(), NdaAcceptance.objects.count())


def _quote(s: dict[str, Any]) -> dict[str, str]:
    return {"currency": "KRW", "tooling_cost": "0", "lead_time_days": "5",
            "valid_until": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            **{f"price_{p.pk}_10": "700" for p in s["w"].parts}}


# (name, method, url, data, status with a live link)
PAGES: list[tuple[str, str, str, Any, int]] = [
    ("portal", "get", "/rfqs/link/{t}/", None, 200),
    ("own file before the NDA", "get", "/rfqs/link/{t}/files/{file}", None, 404),
    ("acknowledge", "post", "/rfqs/link/{t}/acknowledge", {}, 302),
    ("nda", "post", "/rfqs/link/{t}/nda", {}, 302),
    ("own file after the NDA", "get", "/rfqs/link/{t}/files/{file}", None, 200),
    ("quote", "post", "/rfqs/link/{t}/quote", "quote", 302),
    ("message", "post", "/rfqs/link/{t}/messages", {"body": "kilo q"}, 302),
    ("another invitation's message file", "get", "/rfqs/link/{t}/messages/{lima_msg}/file",
     None, 404),
    ("api invitation", "get", "/api/v1/portal/invitation", None, 200),
    ("api quotes", "get", "/api/v1/portal/invitation/quotes", None, 200),
    ("api messages", "get", "/api/v1/portal/invitation/messages", None, 200),
    # Quoted already: the state table refuses (409), as for a member.
    ("api acknowledge", "post", "/api/v1/portal/invitation/acknowledge", None, 409),
    ("api consortium portal", "get", "/api/v1/portal/consortium", None, 403),
    ("consortium portal page", "get", "/window/link/{t}/", None, 403),
    # The link is no login: member pages and the member API stay closed.
    ("member invitation page", "get", "/rfqs/invitations/{kilo}/", None, 302),
    ("member inbox api", "get", "/api/v1/inbox/{kilo}", None, 401),
    ("startup rfq page", "get", "/rfqs/{rfq1}/", None, 302),
    ("other rfq page", "get", "/rfqs/{rfq2}/", None, 302),
]


def _fill(text: str, s: dict[str, Any], token: str) -> str:
    ids = {"{t}": token, "{file}": s["drawing"].pk, "{lima_msg}": s["lima_msg"].pk,
           "{kilo}": s["kilo"].pk, "{rfq1}": s["rfq1"].pk, "{rfq2}": s["rfq2"].pk}
    for key, value in ids.items():
        text = text.replace(key, str(value))
    return text


def _call(client: Client, method: str, url: str, data: Any, token: str) -> Any:
    if url.startswith("/api/"):
        return getattr(client, method)(url, data=json.dumps(data) if data else None,
                                       content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(url) if method == "get" else client.post(url, data or {})


def _put_in_state(s: dict[str, Any], state: str) -> None:
    if state == "revoked":
        links.invitation_link_revoke(actor=s["w"].owner, invitation=s["kilo"])
    elif state == "expired":
        services.rfq_cancel(actor=s["w"].owner, rfq=s["rfq1"])
    elif state == "used":
        link = links.invitation_link_open(token=s["token"])
        services.invitation_decline(actor=links.link_actor(link), invitation=s["kilo"],
                                    reason="capacity")


@pytest.mark.parametrize("state", STATES)
def test_link_matrix(world: dict[str, Any], state: str) -> None:
    s = world
    _put_in_state(s, state)
    refused = {"revoked": 403, "expired": 410, "used": 410}.get(state)
    for name, method, url, data, live_status in PAGES:
        if data == "quote":
            data = _quote(s)
        url = _fill(url, s, s["token"])
        before = _state()
        response = _call(Client(), method, url, data, s["token"])
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content)
        member_side = "/rfqs/link/" not in url and "/portal/" not in url \
            and "/window/link/" not in url
        if refused and not member_side and "consortium" not in name:
            assert response.status_code == refused, (state, name, response.status_code)
            assert _state() == before, (state, name)
        else:
            assert response.status_code == live_status, (state, name, response.status_code)
        if response.status_code >= 400 or state != "live":
            assert _state() == before, (state, name)
        for secret in (b"lima secret", b"alpha secret", b"lima file", b"Second"):
            assert secret not in body, (state, name, secret)
    if state == "live":  # kilo's own actions went through, for kilo's invitation only
        kilo = Invitation.objects.get(pk=s["kilo"].pk)
        assert kilo.status == "quoted" and kilo.messages.filter(body="kilo q").exists()
        assert Invitation.objects.get(pk=s["kilo2"].pk).status == "sent"  # not even viewed
        assert Invitation.objects.get(pk=s["lima"].pk).status == "sent"


def test_a_link_never_opens_its_firms_other_invitation(world: dict[str, Any]) -> None:
    """Two invitations of one firm: each link opens its own; revoking one leaves the other."""
    s = world
    first = Client().get(f"/rfqs/link/{s['token']}/").content.decode()
    second = Client().get(f"/rfqs/link/{s['kilo2_token']}/").content.decode()
    assert "First" in first and "Second" not in first
    assert "Second" in second and "First" not in second
    links.invitation_link_revoke(actor=s["w"].owner, invitation=s["kilo2"])
    assert Client().get(f"/rfqs/link/{s['kilo2_token']}/").status_code == 403
    assert Client().get(f"/rfqs/link/{s['token']}/").status_code == 200
