"""A coordinator invites a small pool of firms to claim their profiles; one firm opens its
link from the mail, signs up, confirms its address, claims its profile and edits it; the
coordinator sees the invitation as claimed — in Chromium.

With SHISAKU_SCREENSHOT_DIR set, the claim page, the claim queue and the pool page are also
saved in Korean and Japanese there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery 42"


def _link(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def _make_pool() -> Any:
    from shisaku.accounts.models import Membership, User
    from shisaku.accounts.services import organisation_create
    from shisaku.directory.services import manufacturers_save
    from tests.factories import record

    manufacturers_save(records=[
        record("Daehan Precision", "KR-47", slug="daehan", name_local="㈜대한정밀",
               website="https://www.daehan.co.kr", contact_email="contact@daehan.co.kr"),
        record("Gumi Mold", "KR-47", slug="gumi", name_local="구미금형",
               contact_email="ceo@gumi-mold.example"),
        record("Andong Parts", "KR-47", slug="andong", name_local="안동부품"),
        record("Busan PCB", "KR-26", slug="busan", contact_email="sales@busanpcb.example"),
    ])
    coordinator = User.objects.create_user("coord", "coord@example.org", PASSWORD)
    org = organisation_create(name="Gyeongbuk Centre", kind="coordinator", country="KR",
                              region="KR-47")
    Membership.objects.create(user=coordinator, organisation=org, role="owner")
    return coordinator


def test_coordinator_invites_a_pool_and_a_firm_claims_by_its_link(
        login_as: Any, browser: Any, live_server: Any) -> None:
    from django.core import mail

    from shisaku.claims.models import PoolInvitation
    from shisaku.directory.models import Manufacturer

    _make_pool()
    base = live_server.url

    # The coordinator filters the directory to Gyeongbuk and invites those firms.
    coord = login_as("coord", PASSWORD)
    coord.goto(f"{base}/manufacturers/?region=KR-47")
    coord.get_by_role("link", name="Invite these firms to claim their profiles").click()
    coord.wait_for_url("**/claims/pool/send?*")
    assert "contact@daehan.co.kr" in coord.content()
    coord.get_by_role("button", name="Send claim invitations").click()
    coord.wait_for_load_state("load")
    assert coord.locator("ul.sent li").count() == 2
    assert "Andong Parts: no contact e-mail" in coord.locator("ul.skipped").inner_text()
    invitation = [m for m in mail.outbox if m.to == ["contact@daehan.co.kr"]][-1]

    # The firm opens its link from the mail and claims its profile.
    context = browser.new_context(locale="en-US")
    try:
        firm = context.new_page()
        firm.set_default_timeout(15_000)
        firm.goto(f"{base}{_link(invitation)}")
        firm.wait_for_url("**/manufacturers/daehan/claim/?via=*")
        assert "No further proof is needed" in firm.content()
        firm.get_by_role("link", name="Create an account").click()
        firm.wait_for_url("**/manufacturers/signup/?*")
        firm.fill("#id_username", "daehan_kim")
        firm.fill("#id_email", "kim@daehan.co.kr")
        firm.fill("#id_password1", PASSWORD)
        firm.fill("#id_password2", PASSWORD)
        firm.get_by_role("button", name="Sign up").click()
        firm.wait_for_url("**/accounts/signup/sent")
        confirm = [m for m in mail.outbox if m.to == ["kim@daehan.co.kr"]][-1]
        firm.goto(f"{base}{_link(confirm)}")
        firm.wait_for_url("**/manufacturers/daehan/claim/?via=*")
        firm.get_by_role("button", name="Claim this profile").click()
        firm.wait_for_url(re.compile(r".*/manufacturers/\d+/edit$"))
        assert "you now manage this profile" in firm.content()
        firm.fill("#id_city", "Gumi")
        firm.get_by_role("button", name="Save").click()
        firm.wait_for_url(re.compile(r".*/manufacturers/\d+/$"))
        assert "Gumi" in firm.locator("dl.facts").first.inner_text()
        assert firm.get_by_role("link", name="This is my company").count() == 0
    finally:
        context.close()

    daehan = Manufacturer.objects.select_related("organisation").get(slug="daehan")
    assert daehan.organisation is not None and daehan.city == "Gumi"
    assert PoolInvitation.objects.get(manufacturer=daehan).status == "claimed"
    coord.goto(f"{base}/claims/pool/")
    assert coord.locator('tr[data-status="claimed"]').count() == 1
    assert coord.locator('tr[data-status="opened"], tr[data-status="sent"]').count() == 1

    shots = os.environ.get("SHISAKU_SCREENSHOT_DIR")
    if shots:
        _screenshots(Path(shots), browser, base)


def _screenshots(folder: Path, browser: Any, base: str) -> None:
    """The claim page, the claim queue and the pool page in Korean and Japanese."""
    from shisaku.accounts.models import User
    from shisaku.claims.services import claim_submit
    from shisaku.directory.models import Manufacturer

    folder.mkdir(parents=True, exist_ok=True)
    gumi = Manufacturer.objects.get(slug="gumi")
    for name in ("park", "lee"):
        user = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
        claim_submit(manufacturer=gumi, user=user, registration_number="134-86-72683")
    for lang, locale in (("ko", "ko-KR"), ("ja", "ja-JP")):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{base}/manufacturers/andong/claim/")
            page.screenshot(path=str(folder / f"claim_anonymous_{lang}.png"), full_page=True)
            page.goto(f"{base}/accounts/login")
            page.fill("#id_username", "coord")
            page.fill("#id_password", PASSWORD)
            page.locator("form.stacked button[type=submit]").click()
            page.wait_for_load_state("load")
            page.goto(f"{base}/manufacturers/andong/claim/")
            page.screenshot(path=str(folder / f"claim_{lang}.png"), full_page=True)
            page.goto(f"{base}/claims/")
            page.screenshot(path=str(folder / f"queue_{lang}.png"), full_page=True)
            page.goto(f"{base}/claims/pool/")
            page.screenshot(path=str(folder / f"pool_{lang}.png"), full_page=True)
            page.goto(f"{base}/claims/pool/send?region=KR-47")
            page.screenshot(path=str(folder / f"pool_send_{lang}.png"), full_page=True)
            page.goto(f"{base}/accounts/team/")
            page.screenshot(path=str(folder / f"team_{lang}.png"), full_page=True)
            page.goto(f"{base}/manufacturers/join/?name=%E3%88%9C%EB%8C%80%ED%95%9C%EC%A0%95%EB%B0%80"
                      "&country=KR&region=KR-47")
            page.screenshot(path=str(folder / f"join_{lang}.png"), full_page=True)
        finally:
            context.close()
