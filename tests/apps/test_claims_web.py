"""Claim pages, the manufacturer sign-up that finds a listed firm first, and claim
invitations to a pool, as users meet them in the browser (Django test client)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from shisaku.accounts.models import User
from shisaku.claims.models import Claim, PoolInvitation
from tests.apps.test_claims_support import (
    KR_BRN,
    KR_BRN_BAD,
    PASSWORD,
    ClaimWorld,
    link_in,
    make_world,
    outbox_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> ClaimWorld:
    return make_world()


def as_user(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_unmanaged_profiles_offer_this_is_my_company(w: ClaimWorld) -> None:
    firm = w.firms["daehan"]
    page = Client().get(f"/manufacturers/{firm.pk}/").content.decode()
    assert f"/manufacturers/{firm.slug}/claim/" in page and "This is my company" in page
    claim_page = Client().get(f"/manufacturers/{firm.slug}/claim/")
    assert claim_page.status_code == 200
    body = claim_page.content.decode()
    assert "/accounts/login?next=" in body and "claim=daehan" in body


def test_claim_page_field_error_for_a_wrong_check_digit(w: ClaimWorld) -> None:
    client = as_user(w.kim)
    url = f"/manufacturers/{w.firms['daehan'].slug}/claim/"
    response = client.post(url, {"registration_number": KR_BRN_BAD})
    assert response.status_code == 400
    assert "check digit is wrong" in response.context["form"].errors["registration_number"][0]
    assert not Claim.objects.exists()
    ok = client.post(url, {"registration_number": KR_BRN})
    assert ok.status_code == 302 and ok["Location"] == "/claims/mine/"
    assert Claim.objects.get().status == "pending"
    again = client.post(url, {"registration_number": KR_BRN}, follow=True)
    assert "waiting already" in again.content.decode()


def test_second_claimant_is_told_and_queue_shows_both(w: ClaimWorld) -> None:
    url = f"/manufacturers/{w.firms['daehan'].slug}/claim/"
    as_user(w.kim).post(url, {"registration_number": KR_BRN})
    lee = as_user(w.lee)
    assert "Another claim on this profile is waiting" in lee.get(url).content.decode()
    done = lee.post(url, {"registration_number": KR_BRN}, follow=True).content.decode()
    assert "the coordinator sees both" in done
    queue = as_user(w.coord_gb).get("/claims/").content.decode()
    assert "kim" in queue and "lee" in queue and "compare them" in queue


def test_coordinator_approves_from_the_queue_and_the_firm_edits(w: ClaimWorld) -> None:
    firm = w.firms["daehan"]
    as_user(w.kim).post(f"/manufacturers/{firm.slug}/claim/", {"registration_number": KR_BRN})
    claim = Claim.objects.get()
    coord = as_user(w.coord_gb)
    bad = coord.post(f"/claims/{claim.pk}/decide", {"decision": "reject"}, follow=True)
    assert "Choose a reason" in bad.content.decode()
    coord.post(f"/claims/{claim.pk}/decide", {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved"
    kim = as_user(w.kim)
    assert kim.get(f"/manufacturers/{firm.pk}/edit").status_code == 200
    page = Client().get(f"/manufacturers/{firm.pk}/").content.decode()
    assert "This is my company" not in page


def test_verification_link_problems_say_which(w: ClaimWorld) -> None:
    client = as_user(w.kim)
    client.post(f"/manufacturers/{w.firms['daehan'].slug}/claim/", {"email": "kim@daehan.co.kr"})
    path = link_in(outbox_to("kim@daehan.co.kr")[-1])
    forged = client.get(path[:-3] + "zz/")
    assert forged.status_code == 410 and "not one we sent" in forged.content.decode()
    assert client.get(path).status_code == 302
    used = client.get(path)
    assert used.status_code == 410 and "used already" in used.content.decode()
    assert "send a new link" in used.content.decode()
    assert Claim.objects.get().status == "pending"


def test_manufacturer_signup_finds_the_listed_firm_first(w: ClaimWorld) -> None:
    found = Client().get("/manufacturers/join/", {"name": "대한정밀 주식회사", "country": "KR",
                                                  "region": "KR-47"})
    assert "/manufacturers/daehan/claim/" in found.content.decode()
    data = {"username": "park", "email": "park@example.org", "password1": PASSWORD,
            "password2": PASSWORD, "organisation_name": "DAEHAN PRECISION Co., Ltd.",
            "country": "KR", "region": "KR-47"}
    response = Client().post("/manufacturers/signup/", data)
    assert response.status_code == 400
    assert "/manufacturers/daehan/claim/" in response.content.decode()
    assert not User.objects.filter(username="park").exists()
    created = Client().post("/manufacturers/signup/", {**data, "not_listed": "on"})
    assert created.status_code == 302
    assert User.objects.get(username="park").memberships.get().organisation.manufacturer


def test_signup_to_claim_lands_on_the_claim_page(w: ClaimWorld) -> None:
    client = Client()
    response = client.post("/manufacturers/signup/?claim=daehan", {
        "username": "park", "email": "park@example.org", "password1": PASSWORD,
        "password2": PASSWORD, "country": "KR", "claim": "daehan"})
    assert response.status_code == 302
    user = User.objects.get(username="park")
    assert not user.memberships.exists()
    confirm = client.get(link_in(outbox_to("park@example.org")[-1]))
    assert confirm["Location"] == "/manufacturers/daehan/claim/"


def test_pool_invitation_to_claim_by_contact_link(w: ClaimWorld) -> None:
    coord = as_user(w.coord_gb)
    preview = coord.get("/claims/pool/send", {"region": "KR-47"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "contact@daehan.co.kr" in body and "Busan PCB" not in body  # other block
    result = coord.post("/claims/pool/send", {"region": "KR-47"})
    assert result.status_code == 200
    sent = result.content.decode()
    assert "Andong Parts: no contact e-mail" in sent
    assert {i.manufacturer.slug for i in PoolInvitation.objects.all()} == {"daehan", "gumi"}
    message = outbox_to("contact@daehan.co.kr")[-1]
    assert "프로필" in message.subject  # a Korean firm nobody runs yet: Korean
    assert "http://127.0.0.1:8000/claims/invitations/" in message.body
    link = link_in(message)
    # Sending again skips the invited firms: nothing is mailed twice.
    before = len(mail.outbox)
    coord.post("/claims/pool/send", {"region": "KR-47"})
    assert len(mail.outbox) == before

    firm_client = Client()
    opened = firm_client.get(link)
    assert opened.status_code == 302 and "/manufacturers/daehan/claim/?via=" in opened["Location"]
    assert PoolInvitation.objects.get(manufacturer__slug="daehan").status == "opened"
    claim_url = opened["Location"]
    via = parse_qs(urlsplit(claim_url).query)["via"][0]
    # The person signs up from the claim page and confirms the address.
    firm_client.post("/manufacturers/signup/", {
        "username": "owner", "email": "owner@example.org", "password1": PASSWORD,
        "password2": PASSWORD, "country": "KR", "claim": "daehan",
        "via": via})
    landed = firm_client.get(link_in(outbox_to("owner@example.org")[-1]))
    assert landed["Location"].startswith("/manufacturers/daehan/claim/?via=")
    page = firm_client.get(landed["Location"])
    assert "no further proof is needed" in page.content.decode().lower()
    done = firm_client.post(landed["Location"], {"via": via})
    assert done.status_code == 302 and done["Location"].endswith("/edit")
    invitation = PoolInvitation.objects.get(manufacturer__slug="daehan")
    assert invitation.status == "claimed"
    used = Client().get(link)
    assert used.status_code == 410 and "used already" in used.content.decode()
    pool_page = coord.get("/claims/pool/").content.decode()
    assert 'data-status="claimed"' in pool_page and 'data-status="sent"' in pool_page


def test_resend_bounce_failure_and_expiry(w: ClaimWorld) -> None:
    coord = as_user(w.coord_gb)
    coord.post("/claims/pool/send", {"region": "KR-47"})
    gumi = PoolInvitation.objects.get(manufacturer__slug="gumi")
    old_link = link_in(outbox_to("ceo@gumi-mold.example")[-1])
    # Too soon: no second mail.
    coord.post(f"/claims/pool/{gumi.pk}/resend")
    assert len(outbox_to("ceo@gumi-mold.example")) == 1
    PoolInvitation.objects.update(last_sent_at=timezone.now() - dt.timedelta(hours=2))
    coord.post(f"/claims/pool/{gumi.pk}/resend")
    assert len(outbox_to("ceo@gumi-mold.example")) == 2
    replaced = Client().get(old_link)
    assert replaced.status_code == 410 and "newer invitation" in replaced.content.decode()
    # Bounced: never again, not even by "resend all".
    coord.post(f"/claims/pool/{gumi.pk}/bounce")
    PoolInvitation.objects.update(last_sent_at=timezone.now() - dt.timedelta(hours=2))
    with mock.patch("shisaku.claims.pool.mail_send", side_effect=OSError("SMTP down")):
        coord.post("/claims/pool/resend")
    gumi.refresh_from_db()
    daehan = PoolInvitation.objects.get(manufacturer__slug="daehan")
    assert gumi.status == "bounced" and gumi.send_count == 2
    assert daehan.status == "failed" and "SMTP down" in daehan.error
    # Expired links say so, and "resend all" renews them.
    PoolInvitation.objects.filter(pk=daehan.pk).update(
        status="sent", expires_at=timezone.now() - dt.timedelta(days=1),
        last_sent_at=timezone.now() - dt.timedelta(days=31))
    assert 'data-status="expired"' in coord.get("/claims/pool/").content.decode()
    coord.post("/claims/pool/resend")
    daehan.refresh_from_db()
    assert daehan.status == "sent" and daehan.expires_at > timezone.now()


def test_bounce_management_hook(w: ClaimWorld) -> None:
    from django.core.management import call_command

    as_user(w.coord_gb).post("/claims/pool/send", {"region": "KR-47"})
    call_command("claims_bounce", "CEO@gumi-mold.example")
    assert PoolInvitation.objects.get(manufacturer__slug="gumi").status == "bounced"
    assert PoolInvitation.objects.get(manufacturer__slug="daehan").status == "sent"


def test_directory_list_offers_pool_invitations_only_to_coordinators(w: ClaimWorld) -> None:
    assert "/claims/pool/send" not in as_user(w.startup).get(
        "/manufacturers/?region=KR-47").content.decode()
    assert "/claims/pool/send?region=KR-47" in as_user(w.coord_gb).get(
        "/manufacturers/?region=KR-47").content.decode()


def test_pool_invitations_by_import_batch(w: ClaimWorld) -> None:
    from shisaku.directory.models import ImportBatch

    org = w.coord_gb.memberships.get().organisation
    batch = ImportBatch.objects.create(source="Gyeongbuk companion pool", coordinator=w.coord_gb,
                                       organisation=org, file_name="pool.csv", file_format="csv",
                                       sha256="0" * 64)
    batch.manufacturers.add(w.firms["daehan"], w.firms["andong"], w.firms["busan"])
    coord = as_user(w.coord_gb)
    preview = coord.get("/claims/pool/send", {"batch": batch.pk}).content.decode()
    assert "pool.csv" in preview and "contact@daehan.co.kr" in preview
    assert "Gumi Mold" not in preview            # not in the batch
    assert "Busan PCB" not in preview            # in the batch, outside the coordinator's block
    sent = coord.post("/claims/pool/send", {"batch": batch.pk}).content.decode()
    assert "Andong Parts: no contact e-mail" in sent
    assert [i.manufacturer.slug for i in PoolInvitation.objects.all()] == ["daehan"]
    # Another region's coordinator neither sees nor uses the batch.
    other = as_user(w.coord_jp)
    assert other.get("/claims/pool/send", {"batch": batch.pk}).status_code == 404
    assert other.post("/claims/pool/send", {"batch": batch.pk}).status_code == 404
    assert coord.get("/claims/pool/send", {"batch": "x1"}).status_code == 404
    assert PoolInvitation.objects.count() == 1


def test_queue_compares_the_number_with_the_one_on_file(w: ClaimWorld) -> None:
    from shisaku.directory.models import Manufacturer

    Manufacturer.objects.filter(slug="daehan").update(registration_number="134-86-72683")
    Manufacturer.objects.filter(slug="gumi").update(registration_number="220-81-62517")
    as_user(w.kim).post("/manufacturers/daehan/claim/", {"registration_number": KR_BRN})
    as_user(w.kim).post("/manufacturers/gumi/claim/", {"registration_number": KR_BRN})
    queue = as_user(w.coord_gb).get("/claims/").content.decode()
    assert queue.count("matches the number on file") == 1
    assert "differs from the number on file (2208162517)" in queue
    # The number on file is private: the public profile never shows it.
    assert "2208162517" not in Client().get(f"/manufacturers/{w.firms['gumi'].pk}/").content.decode()


def test_link_pages_are_rate_limited_per_address(w: ClaimWorld, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.SHISAKU_LINK_RATE_LIMIT = 3
    client = Client()
    codes = [client.get("/claims/invitations/forged/", REMOTE_ADDR="192.0.2.5").status_code
             for _ in range(4)]
    assert codes == [410, 410, 410, 429]
    assert client.get("/accounts/team/join/forged", REMOTE_ADDR="192.0.2.5").status_code == 429
    assert client.get("/claims/invitations/forged/",
                      REMOTE_ADDR="192.0.2.6").status_code == 410
    cache.clear()
