"""After the award, in Chromium: the firm confirms a date, submits a first article with its
report, the startup rejects it with a finding, the firm resubmits and it is approved, two
partial shipments go out after the promised date, the startup confirms receipt (late), the
firm's profile shows the on-time rate; the startup asks to move its mould to a second source
and both firms see the request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.apps.test_rfq_support import PASSWORD, make_rfq, make_world, quote_lines

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Any) -> Any:
    settings.HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_world(passwords=True)


def _status(page: Any) -> str:
    return str(page.get_by_test_id("order-status").inner_text())


def test_order_from_award_to_late_delivery_and_a_mould_transfer(
        login_as: Any, live_server: Any, world: Any, tmp_path: Any) -> None:
    from shisaku.orders.models import Order
    from shisaku.rfq import services as rfq

    now = timezone.now()
    request, invitations = make_rfq(world, now=now, firms=("alpha", "bravo"))
    quotes = {inv.manufacturer.slug: rfq.quote_submit(
        actor=world.makers[inv.manufacturer.slug], invitation=inv,
        lines=quote_lines(world, price), currency="KRW", tooling_cost="3000000",
        lead_time_days=20, valid_until=(now + dt.timedelta(days=60)).date(), now=now)
        for inv, price in zip(invitations, ("5000", "5600"), strict=True)}
    rfq.award_create(actor=world.owner, rfq=request, quote_id=quotes["alpha"].pk, now=now)
    order = Order.objects.get()
    base, url = live_server.url, f"{live_server.url}/orders/{order.pk}/"
    report = tmp_path / "fai-report.pdf"
    report.write_bytes(PDF)

    alpha = login_as("maker-alpha", PASSWORD)
    alpha.goto(f"{base}/rfqs/inbox/")
    alpha.get_by_test_id("inbox-orders").get_by_role("link").first.click()
    alpha.wait_for_url(url)
    assert _status(alpha) == "Placed"
    promised = timezone.localdate() + dt.timedelta(days=14)
    alpha.get_by_test_id("promised-input").fill(promised.isoformat())
    alpha.get_by_test_id("confirm").click()
    alpha.wait_for_load_state("load")
    assert _status(alpha) == "Confirmed"
    alpha.get_by_test_id("produce").click()
    alpha.wait_for_load_state("load")
    alpha.get_by_test_id("fa-report").set_input_files(str(report))
    alpha.get_by_test_id("fa-submit").click()
    alpha.wait_for_load_state("load")
    assert _status(alpha) == "First article submitted"

    owner = login_as("owner", PASSWORD)
    owner.goto(f"{base}/projects/{world.project.pk}/")
    owner.get_by_test_id("project-orders").get_by_role("link").first.click()
    owner.wait_for_url(url)
    owner.get_by_test_id("fa-reject").click()  # no finding: refused with the reason
    owner.wait_for_load_state("load")
    assert _status(owner) == "First article submitted"
    # the field by its label, the reason in words (not the raw field name "findings")
    assert owner.locator(".messages").inner_text().startswith("Findings (required to reject): ")
    owner.get_by_test_id("findings").fill("Boss height 0.3 mm over tolerance")
    owner.get_by_test_id("fa-reject").click()
    owner.wait_for_load_state("load")
    assert _status(owner) == "In production"

    alpha.reload()
    assert "Boss height" in alpha.get_by_test_id("fa-1").inner_text()
    alpha.get_by_test_id("fa-submit").click()
    alpha.wait_for_load_state("load")
    owner.reload()
    owner.get_by_test_id("fa-approve").click()
    owner.wait_for_load_state("load")
    assert _status(owner) == "First article approved"

    # Three weeks pass: the promised date is behind us when the goods leave.
    Order.objects.filter(pk=order.pk).update(
        promised_ship_date=timezone.localdate() - dt.timedelta(days=2))
    alpha.reload()
    for quantity in ("12", "8"):
        alpha.get_by_test_id("ship-qty").fill(quantity)
        alpha.get_by_test_id("ship").click()
        alpha.wait_for_load_state("load")
    assert alpha.get_by_test_id("shipped").inner_text() == "20 / 20"
    assert _status(alpha) == "Shipped"

    owner.reload()
    assert owner.get_by_test_id("received").input_value() == "20"
    owner.get_by_test_id("receive").click()
    owner.wait_for_load_state("load")
    assert _status(owner) == "Delivered"
    assert owner.get_by_test_id("on-time").inner_text() == "no"

    public = owner.context.browser.new_context(locale="en-US").new_page()
    public.goto(f"{base}/manufacturers/{world.firms['alpha'].pk}/")
    assert public.get_by_test_id("on-time-rate").inner_text().startswith("0%")
    assert public.get_by_test_id("first-pass-rate").inner_text().startswith("0%")
    match = public.request.post(f"{base}/api/v1/match", data={"processes": ["cnc_milling"]},
                                headers={"Content-Type": "application/json"})
    firms = {r["slug"]: r for r in match.json()["results"]}
    assert firms["alpha"]["factors"]["on_time"] < 0.5 < 0.5 + firms["bravo"]["factors"][
        "on_time"]
    public.context.close()

    # The firm registers the mould the startup paid for; the startup asks to move it.
    alpha.goto(url)
    form = alpha.locator("#tooling form")
    form.locator('select[name="kind"]').select_option("mould")
    form.locator('input[name="name"]').fill("Finger housing mould")
    form.locator('select[name="part"]').select_option(str(world.parts[0].pk))
    form.locator('input[name="cost"]').fill("3000000")
    form.get_by_role("button").click()
    alpha.wait_for_load_state("load")
    owner.goto(url)
    owner.get_by_role("link", name="Finger housing mould").click()
    owner.wait_for_url("**/orders/tooling/*/")
    assert owner.get_by_test_id("owner").inner_text() == world.startup.name
    owner.get_by_test_id("transfer-to").select_option(str(world.firms["bravo"].pk))
    owner.get_by_test_id("request-transfer").click()
    owner.wait_for_load_state("load")
    tooling_url = owner.url
    assert "Requested" in owner.get_by_test_id("transfer").inner_text()

    bravo = login_as("maker-bravo", PASSWORD)
    bravo.goto(tooling_url)
    assert "Requested" in bravo.get_by_test_id("transfer").inner_text()
    assert bravo.get_by_test_id("location").inner_text() == world.firms["alpha"].name
    alpha.goto(tooling_url)
    assert "Requested" in alpha.get_by_test_id("transfer").inner_text()
