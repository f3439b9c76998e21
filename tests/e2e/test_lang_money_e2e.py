"""Issue #12 in Chromium, in Korean: a comparison in USD of quotes in KRW and JPY shows
converted totals and the rates used; in KRW, amounts have no decimals; the notifications list
and an e-mail come in the reader's language. Screenshots (ko and ja) go to
``$SHISAKU_SCREENSHOTS`` when set (never into the repository)."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.apps.test_rfq_support import PASSWORD, make_rfq, make_world, quote_lines

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Any) -> Any:
    from shisaku.rfq.services import currency_rates_load_shipped

    settings.HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHISAKU_BASE_URL = "https://shisaku.example.org"
    currency_rates_load_shipped()  # a transactional test starts from an emptied database
    return make_world(passwords=True)


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("SHISAKU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _in(page: Any, base: str, lang: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])


def test_comparison_in_usd_of_krw_and_jpy_quotes_in_korean(login_as: Any, live_server: Any,
                                                           world: Any) -> None:
    from shisaku.rfq import services

    base = live_server.url
    maker = world.makers["alpha"]
    maker.preferred_language = "ko"
    maker.save()
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    valid = timezone.localdate() + dt.timedelta(days=30)
    services.quote_submit(actor=world.makers["alpha"], invitation=a,
                          lines=quote_lines(world, "4500"), currency="KRW", lead_time_days=20,
                          valid_until=valid, tooling_cost="1000000", now=now)
    services.quote_submit(actor=world.makers["bravo"], invitation=b,
                          lines=quote_lines(world, "480"), currency="JPY", lead_time_days=25,
                          valid_until=valid, tooling_cost="120000", now=now)

    owner = login_as("owner", PASSWORD)
    _in(owner, base, "ko")
    owner.goto(f"{base}/rfqs/{rfq.pk}/compare?currency=USD&quantity=300")
    table = owner.get_by_test_id("compare")
    assert owner.locator("html").get_attribute("lang") == "ko"
    totals = table.get_by_test_id("total").all_inner_texts()
    assert len(totals) == 2 and all(t.startswith("US$") for t in totals), totals
    assert "환율 없음" not in table.inner_text()
    used = owner.get_by_test_id("rates-used").inner_text()
    assert "KRW" in used and "JPY" in used and "ECB" in used
    _shot(owner, "compare-usd-ko")

    owner.goto(f"{base}/rfqs/{rfq.pk}/compare?currency=KRW&quantity=300")
    krw = owner.get_by_test_id("compare").inner_text()
    assert "₩4,500" in krw and "₩1,000,000" in krw
    assert not re.search(r"₩[\d,]+\.\d", krw), krw  # KRW has no minor unit
    assert "4500.0000" not in krw
    _shot(owner, "compare-krw-ko")

    _in(owner, base, "ja")
    owner.goto(f"{base}/rfqs/{rfq.pk}/compare?currency=JPY&quantity=300")
    jpy = owner.get_by_test_id("compare").inner_text()
    assert "￥" in jpy and not re.search(r"￥[\d,]+\.\d", jpy)
    _shot(owner, "compare-jpy-ja")

    # the manufacturer's notifications, in Korean, with the deadline as its page shows it
    firm = login_as("maker-alpha", PASSWORD)
    _in(firm, base, "ko")
    firm.goto(f"{base}/notifications/")
    notes = firm.get_by_test_id("notifications").inner_text()
    assert "새 견적 요청" in notes
    deadline = timezone.localtime(a.ack_deadline).strftime("%Y-%m-%d %H:%M")
    assert deadline in notes
    _shot(firm, "notifications-ko")
    _in(firm, base, "ja")
    firm.goto(f"{base}/notifications/")
    assert "見積" in firm.get_by_test_id("notifications").inner_text()
    _shot(firm, "notifications-ja")

    # the e-mail the firm received, as a mail reader would show it
    letter = next(m for m in mail.outbox if m.to == [maker.email])
    assert f"https://shisaku.example.org/rfqs/invitations/{a.pk}/" in letter.body
    assert deadline in letter.body and "새 견적 요청" in letter.subject
    firm.set_content(f"<html lang='ko'><body style='font-family: sans-serif; padding: 1em'>"
                     f"<h3>{html.escape(letter.subject)}</h3>"
                     f"<pre style='white-space: pre-wrap'>{html.escape(letter.body)}</pre>"
                     f"</body></html>")
    _shot(firm, "email-ko")


def test_api_docs_render_without_any_cdn(page: Any, live_server: Any,
                                         transactional_db: Any) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)  # operations are listed
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert outside == []
    _shot(page, "api-docs")
