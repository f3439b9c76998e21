"""A startup sends an RFQ to three manufacturers; one quotes, one declines, one stays silent and
is marked overdue by the deadline job (clock moved by the test), the next match is invited; the
startup compares and awards; everyone sees the outcome in their inbox — in Chromium."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.apps.test_rfq_support import PASSWORD, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Any) -> Any:
    from shisaku.rfq.models import CurrencyRate

    settings.HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    CurrencyRate.objects.create(currency="KRW", rate_to_usd=Decimal("0.00075"),
                                as_of=dt.date(2026, 11, 1))
    return make_world(passwords=True)


def _open_invitation(page: Any, base: str) -> None:
    page.goto(f"{base}/rfqs/inbox/")
    page.get_by_test_id("inbox").get_by_role("link").first.click()
    page.wait_for_url("**/rfqs/invitations/*/")


def test_rfq_from_send_to_award(login_as: Any, live_server: Any, world: Any) -> None:
    from shisaku.rfq import services
    from shisaku.rfq.models import RFQ, Invitation, ReplyStats

    base = live_server.url
    owner = login_as("owner", PASSWORD)
    owner.goto(f"{base}/rfqs/")
    owner.get_by_test_id(f"new-rfq-{world.project.pk}").click()
    owner.fill("#id_quantity_tiers", "10, 300")
    owner.get_by_role("button", name="Create draft and choose manufacturers").click()
    owner.wait_for_url("**/rfqs/*/")
    checked = owner.locator('input[name="manufacturers"]:checked')
    assert checked.count() == 3  # the top matches, preselected
    owner.get_by_test_id("send-rfq").click()
    owner.wait_for_load_state("load")
    assert owner.get_by_test_id("rfq-status").inner_text() == "Sent"
    rfq = RFQ.objects.get()
    invited = sorted(rfq.invitations.values_list("manufacturer__slug", flat=True))
    assert invited == ["alpha", "bravo", "charlie"]

    # Alpha acknowledges and quotes.
    alpha = login_as("maker-alpha", PASSWORD)
    _open_invitation(alpha, base)
    assert alpha.get_by_test_id("invitation-status").inner_text() == "Viewed"
    alpha.get_by_test_id("acknowledge").click()
    alpha.wait_for_load_state("load")
    assert alpha.get_by_test_id("invitation-status").inner_text() == "Acknowledged"
    for part in world.parts:
        for tier in (10, 300):
            alpha.fill(f'input[name="price_{part.pk}_{tier}"]', "12.5" if tier == 10 else "9")
    alpha.select_option("#id_currency", "USD")
    alpha.fill("#id_tooling_cost", "400")
    alpha.fill("#id_lead_time_days", "21")
    alpha.fill("#id_valid_until", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    alpha.get_by_test_id("submit-quote").click()
    alpha.wait_for_load_state("load")
    assert alpha.get_by_test_id("invitation-status").inner_text() == "Quoted"

    # Bravo declines with a reason.
    bravo = login_as("maker-bravo", PASSWORD)
    _open_invitation(bravo, base)
    bravo.locator("summary", has_text="Decline").click()
    bravo.select_option("#id_reason", "quantity_too_small")
    bravo.get_by_test_id("decline").click()
    bravo.wait_for_load_state("load")
    assert bravo.get_by_test_id("invitation-status").inner_text() == "Declined"

    # Charlie stays silent; the worker runs three hours later (the clock is moved, not waited).
    counts = services.reply_deadlines_check(now=timezone.now() + dt.timedelta(hours=3))
    assert counts["overdue"] == 1 and counts["invited_next"] == 1
    nxt = Invitation.objects.get(rfq=rfq, replaces__isnull=False)
    assert nxt.manufacturer.slug == "delta"

    owner.goto(f"{base}/rfqs/{rfq.pk}/")
    assert "overdue" in owner.locator('tr[data-firm="charlie"]').inner_text()
    assert "Quantity too small" in owner.locator('tr[data-firm="bravo"]').inner_text()
    assert "next match" in owner.locator('tr[data-firm="delta"]').inner_text()

    # Compare in KRW (rates table) and award alpha.
    owner.goto(f"{base}/rfqs/{rfq.pk}/compare?quantity=300&currency=KRW")
    row = owner.locator('table.compare tr[data-firm="alpha"]')
    # 9 USD x 300 x 2 parts + 400 USD = 5,800 USD = 7,733,333.33 KRW at 0.00075 USD/KRW,
    # shown in whole won (KRW has no minor unit)
    assert "₩7,733,333" in row.inner_text() and "7,733,333.33" not in row.inner_text()
    owner.on("dialog", lambda d: d.accept())
    owner.get_by_test_id("award-alpha").click()
    owner.wait_for_load_state("load")
    assert owner.get_by_test_id("rfq-status").inner_text() == "Awarded"

    # Everyone sees the outcome.
    alpha.goto(f"{base}/rfqs/notifications/")
    assert "was selected" in alpha.get_by_test_id("notifications").inner_text()
    for slug in ("charlie", "delta"):
        p = login_as(f"maker-{slug}", PASSWORD)
        p.goto(f"{base}/rfqs/inbox/")
        assert "Awarded" in p.get_by_test_id("inbox").inner_text()
        p.goto(f"{base}/rfqs/notifications/")
        assert "chosen another offer" in p.get_by_test_id("notifications").inner_text()
    charlie_inbox = login_as("maker-charlie", PASSWORD)
    charlie_inbox.goto(f"{base}/rfqs/inbox/")
    assert "overdue" in charlie_inbox.get_by_test_id("inbox").inner_text()

    # Reply-time statistics on the profiles match the events.
    inv_alpha = Invitation.objects.get(rfq=rfq, manufacturer__slug="alpha")
    ack_h = (inv_alpha.acknowledged_at - inv_alpha.sent_at).total_seconds() / 3600
    stats = ReplyStats.objects.get(manufacturer__slug="alpha")
    assert stats.ack_median_hours == pytest.approx(ack_h, abs=0.01)
    owner.goto(f"{base}/manufacturers/{world.firms['alpha'].pk}/")
    text = owner.get_by_test_id("reply-stats").inner_text()
    assert f"{stats.ack_median_hours:.1f} h" in text and "100%" in text
    owner.goto(f"{base}/manufacturers/{world.firms['charlie'].pk}/")
    silent = owner.get_by_test_id("reply-stats").inner_text()
    assert "0%" in silent and "100%" not in silent
