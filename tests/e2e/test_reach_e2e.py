"""Reach every manufacturer (issue #10), in Chromium: a startup sends an RFQ to two firms, one
of which has no account (only a contact e-mail) and one member firm; the link firm opens its
personal link from the test's mail outbox and quotes, the member declines; the startup awards
the link-quoted firm; every party sees the right state (the link now says the request is
closed and that the firm's quote was selected)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.apps.test_rfq_support import PASSWORD, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_link_rate_counts() -> None:
    """The link pages' rate limit counts per client address and minute in the cache: every
    test starts from zero (the test client's address is always 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()


LINK = re.compile(r"https?://\S+/rfqs/link/[^/\s]+/")


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Any, live_server: Any) -> Any:
    from tests.apps.test_rfq_links import add_firm

    settings.HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHISAKU_SITE_URL = live_server.url
    w = make_world(passwords=True)
    w.others["kilo"] = add_firm("kilo", email="quotes@kilo.example")  # no account
    w.others["zulu"] = add_firm("zulu")                              # neither: unreachable
    return w


def _link_from_outbox(address: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to and (found := LINK.search(message.body)):
            return found.group(0)
    raise AssertionError(f"no link mailed to {address}")


def test_a_firm_without_an_account_quotes_from_its_link_and_wins(
        login_as: Any, browser: Any, live_server: Any, world: Any) -> None:
    from shisaku.core.models import AuditEvent
    from shisaku.rfq.models import RFQ, Invitation

    base = live_server.url
    owner = login_as("owner", PASSWORD)
    owner.goto(f"{base}/rfqs/")
    owner.get_by_test_id(f"new-rfq-{world.project.pk}").click()
    owner.fill("#id_quantity_tiers", "10, 300")
    owner.get_by_role("button", name="Create draft and choose manufacturers").click()
    owner.wait_for_url("**/rfqs/*/")
    # Candidates: the firm without an account answers by e-mail link; zulu is not reachable.
    kilo_row = owner.locator('li[data-firm="kilo"]')
    assert kilo_row.get_attribute("data-reach") == "link"
    assert "answers by e-mail link" in kilo_row.inner_text()
    unreachable = owner.get_by_test_id("unreachable")
    assert "Zulu Works" in unreachable.inner_text() and "not reachable" in unreachable.inner_text()
    assert owner.locator('li[data-firm="zulu"] input').count() == 0  # cannot be chosen
    for box in owner.locator('input[name="manufacturers"]').all():
        box.uncheck()
    owner.locator('li[data-firm="kilo"] input').check()
    owner.locator('li[data-firm="bravo"] input').check()
    owner.get_by_test_id("send-rfq").click()
    owner.wait_for_load_state("load")
    assert owner.get_by_test_id("rfq-status").inner_text() == "Sent"
    rfq = RFQ.objects.get()
    assert sorted(rfq.invitations.values_list("manufacturer__slug", flat=True)) == [
        "bravo", "kilo"]
    assert "answers by e-mail link" in owner.locator('tr[data-firm="kilo"]').inner_text()

    # Kilo opens its personal link from the e-mail: no login, its invitation only.
    url = _link_from_outbox("quotes@kilo.example")
    context = browser.new_context(locale="en-US")
    try:
        kilo = context.new_page()
        kilo.set_default_timeout(15_000)
        kilo.goto(url)
        assert "Kilo Works" in kilo.get_by_test_id("portal-banner").inner_text()
        assert kilo.get_by_test_id("invitation-status").inner_text() == "Viewed"
        kilo.get_by_test_id("acknowledge").click()
        kilo.wait_for_load_state("load")
        assert kilo.get_by_test_id("invitation-status").inner_text() == "Acknowledged"
        for part in world.parts:
            for tier in (10, 300):
                kilo.fill(f'input[name="price_{part.pk}_{tier}"]',
                          "15000" if tier == 10 else "11000")
        kilo.select_option("#id_currency", "KRW")
        kilo.fill("#id_tooling_cost", "300000")
        kilo.fill("#id_lead_time_days", "18")
        kilo.fill("#id_valid_until", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
        kilo.get_by_test_id("submit-quote").click()
        kilo.wait_for_load_state("load")
        assert kilo.get_by_test_id("invitation-status").inner_text() == "Quoted"

        # Bravo (a member) declines from its inbox.
        bravo = login_as("maker-bravo", PASSWORD)
        bravo.goto(f"{base}/rfqs/inbox/")
        bravo.get_by_test_id("inbox").get_by_role("link").first.click()
        bravo.wait_for_url("**/rfqs/invitations/*/")
        bravo.locator("summary", has_text="Decline").click()
        bravo.select_option("#id_reason", "capacity")
        bravo.get_by_test_id("decline").click()
        bravo.wait_for_load_state("load")
        assert bravo.get_by_test_id("invitation-status").inner_text() == "Declined"

        # The startup compares and awards the firm that quoted from its link.
        owner.goto(f"{base}/rfqs/{rfq.pk}/compare?quantity=300&currency=KRW")
        assert "Kilo Works" in owner.get_by_test_id("compare").inner_text()
        owner.on("dialog", lambda d: d.accept())
        owner.get_by_test_id("award-kilo").click()
        owner.wait_for_load_state("load")
        assert owner.get_by_test_id("rfq-status").inner_text() == "Awarded"
        assert "Kilo Works" in owner.get_by_test_id("award").inner_text()
        assert "No capacity" in owner.locator('tr[data-firm="bravo"]').inner_text()

        # Every party sees the right state.
        kilo.goto(url)
        refused = kilo.get_by_test_id("link-refused")
        assert refused.get_attribute("data-reason") == "expired"
        assert "Your quote was selected" in kilo.get_by_test_id("link-outcome").inner_text()
        from django.utils import translation
        from django.utils.translation import gettext
        with translation.override("ko"):  # a Korean firm is written to in Korean
            won = gettext("Good news: your quote for %(title)s was selected.") % {
                "title": rfq.title}
        assert any("quotes@kilo.example" in m.to and won in m.body for m in mail.outbox)
        bravo.goto(f"{base}/rfqs/inbox/")
        assert "Declined" in bravo.get_by_test_id("inbox").inner_text()
        owner.goto(f"{base}/rfqs/notifications/")
        notes = owner.get_by_test_id("notifications").inner_text()
        assert "Kilo Works sent a quote" in notes and "Bravo Machining declined" in notes
    finally:
        context.close()
    inv = Invitation.objects.get(rfq=rfq, manufacturer__slug="kilo")
    assert inv.status == "quoted" and inv.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="rfq.quote.submit", data__via="link").exists()


POOL_CSV = ("name,country,region,process,max_lot,contact_email\r\n"
            "Gumi Precision,KR,KR-47,cnc_milling,100000,sales@gumi-precision.example\r\n"
            "Pohang Machining,KR,KR-47,cnc_milling,100000,rfq@pohang-machining.example\r\n"
            "Andong Parts,KR,KR-47,cnc_milling,100000,\r\n")


def _path_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def _last_mail_to(address: str) -> Any:
    found = [m for m in mail.outbox if address in m.to]
    assert found, address
    return found[-1]


def test_done_when_pool_import_claim_and_an_rfq_answered_by_link(
        login_as: Any, browser: Any, live_server: Any, world: Any, tmp_path: Any) -> None:
    """Issue #10 "Done when": a coordinator imports a small CSV pool and sends claim
    invitations; a firm claims its profile from its link; the startup sends an RFQ to two of
    the pool's firms, one without an account; that firm quotes from its link, the other
    declines; the startup awards the link-quoted firm; every party sees the right state —
    and the link over the API says it has expired."""
    from shisaku.claims.models import PoolInvitation
    from shisaku.directory.models import ImportBatch, Manufacturer
    from shisaku.rfq.models import RFQ

    base = live_server.url
    # 1. The coordinator imports the pool (CSV) and invites it to claim the profiles.
    coord = login_as("coord", PASSWORD)
    coord.goto(f"{base}/manufacturers/imports/new")
    pool_file = tmp_path / "gyeongbuk-pool.csv"
    pool_file.write_text(POOL_CSV, encoding="utf-8")
    coord.set_input_files("#id_file", str(pool_file))
    coord.fill("#id_source", "Gyeongbuk pool 2026")
    coord.get_by_role("button", name="Check the file").click()
    coord.wait_for_url("**/manufacturers/imports/*/")
    coord.get_by_role("button", name="Confirm and load").click()
    coord.wait_for_load_state("load")
    assert coord.get_by_test_id("created").inner_text() == "3"
    assert ImportBatch.objects.get(status="loaded").manufacturers.count() == 3
    # The pool is the import batch: invite its firms from the batch page.
    coord.get_by_role("link", name="Invite these firms to claim their profiles").click()
    coord.wait_for_url("**/claims/pool/send?batch=*")
    coord.get_by_role("button", name="Send claim invitations").click()
    coord.wait_for_load_state("load")
    assert coord.locator("ul.sent li").count() == 2
    assert "Andong Parts" in coord.locator("ul.skipped").inner_text()

    # 2. Gumi Precision claims its profile from its invitation link.
    context = browser.new_context(locale="en-US")
    try:
        gumi = context.new_page()
        gumi.set_default_timeout(15_000)
        gumi.goto(base + _path_in(_last_mail_to("sales@gumi-precision.example")))
        gumi.wait_for_url("**/claim/?via=*")
        gumi.get_by_role("link", name="Create an account").click()
        gumi.fill("#id_username", "gumi_lee")
        gumi.fill("#id_email", "lee@gumi-precision.example")
        gumi.fill("#id_password1", PASSWORD)
        gumi.fill("#id_password2", PASSWORD)
        gumi.get_by_role("button", name="Sign up").click()
        gumi.wait_for_url("**/accounts/signup/sent")
        gumi.goto(base + _path_in(_last_mail_to("lee@gumi-precision.example")))
        gumi.wait_for_url("**/claim/?via=*")
        gumi.get_by_role("button", name="Claim this profile").click()
        gumi.wait_for_url(re.compile(r".*/manufacturers/\d+/edit$"))
    finally:
        context.close()
    firm_gumi = Manufacturer.objects.get(name="Gumi Precision")
    firm_pohang = Manufacturer.objects.get(name="Pohang Machining")
    assert firm_gumi.organisation is not None
    assert PoolInvitation.objects.get(manufacturer=firm_gumi).status == "claimed"

    # 3. The startup sends an RFQ to Gumi (now on Shisaku) and Pohang (no account).
    owner = login_as("owner", PASSWORD)
    owner.goto(f"{base}/rfqs/")
    owner.get_by_test_id(f"new-rfq-{world.project.pk}").click()
    owner.fill("#id_quantity_tiers", "10, 300")
    owner.get_by_role("button", name="Create draft and choose manufacturers").click()
    owner.wait_for_url("**/rfqs/*/")
    assert owner.locator(f'li[data-firm="{firm_gumi.slug}"]').get_attribute(
        "data-reach") == "account"
    assert owner.locator(f'li[data-firm="{firm_pohang.slug}"]').get_attribute(
        "data-reach") == "link"
    assert "Andong Parts" in owner.get_by_test_id("unreachable").inner_text()
    for box in owner.locator('input[name="manufacturers"]').all():
        box.uncheck()
    owner.locator(f'li[data-firm="{firm_gumi.slug}"] input').check()
    owner.locator(f'li[data-firm="{firm_pohang.slug}"] input').check()
    owner.get_by_test_id("send-rfq").click()
    owner.wait_for_load_state("load")
    rfq = RFQ.objects.get()

    # 4. Pohang quotes from its link; Gumi declines from its account.
    url = _link_from_outbox("rfq@pohang-machining.example")
    context = browser.new_context(locale="en-US")
    try:
        pohang = context.new_page()
        pohang.set_default_timeout(15_000)
        pohang.goto(url)
        assert pohang.get_by_test_id("claim-profile").count() == 1  # it could claim too
        pohang.locator("summary", has_text="Quote").click()
        for part in world.parts:
            for tier in (10, 300):
                pohang.fill(f'input[name="price_{part.pk}_{tier}"]', "9000")
        pohang.select_option("#id_currency", "KRW")
        pohang.fill("#id_lead_time_days", "20")
        pohang.fill("#id_valid_until",
                    (timezone.localdate() + dt.timedelta(days=30)).isoformat())
        pohang.get_by_test_id("submit-quote").click()
        pohang.wait_for_load_state("load")
        assert pohang.get_by_test_id("invitation-status").inner_text() == "Quoted"

        lee = login_as("gumi_lee", PASSWORD)
        lee.goto(f"{base}/rfqs/inbox/")
        lee.get_by_test_id("inbox").get_by_role("link").first.click()
        lee.wait_for_url("**/rfqs/invitations/*/")
        lee.locator("summary", has_text="Decline").click()
        lee.select_option("#id_reason", "capacity")
        lee.get_by_test_id("decline").click()
        lee.wait_for_load_state("load")
        assert lee.get_by_test_id("invitation-status").inner_text() == "Declined"

        # 5. The startup awards the link-quoted firm; everyone sees it.
        owner.goto(f"{base}/rfqs/{rfq.pk}/compare?quantity=300&currency=KRW")
        owner.on("dialog", lambda d: d.accept())
        owner.get_by_test_id(f"award-{firm_pohang.slug}").click()
        owner.wait_for_load_state("load")
        assert owner.get_by_test_id("rfq-status").inner_text() == "Awarded"
        assert "Pohang Machining" in owner.get_by_test_id("award").inner_text()
        pohang.goto(url)
        assert pohang.get_by_test_id("link-refused").get_attribute("data-reason") == "expired"
        assert pohang.get_by_test_id("link-outcome").count() == 1
        lee.goto(f"{base}/rfqs/inbox/")
        assert "Declined" in lee.get_by_test_id("inbox").inner_text()
        coord.goto(f"{base}/claims/pool/")
        assert coord.locator('tr[data-status="claimed"]').count() == 1
    finally:
        context.close()
    # The same link over the API: gone (410), and it says why.
    from django.test import Client
    token = url.rstrip("/").rsplit("/", 1)[-1]
    api = Client().get("/api/v1/portal/invitation", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 410 and api.json()["link"] == "expired"
