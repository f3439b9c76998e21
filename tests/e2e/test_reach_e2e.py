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
