"""Faults found by attacking the order pages: malformed numbers that used to give 500s, the
tool's holder after a transfer, stale pages acting on an order that changed meanwhile, and
field errors shown in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shisaku.orders import services
from shisaku.orders.models import Order, ToolingAsset
from tests.apps.test_orders_web import _award, _client
from tests.apps.test_rfq_support import make_world

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(db: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    return make_world()


@pytest.mark.parametrize("value", ["abc", "²", "1e3", "-", "9" * 30])
def test_a_malformed_transfer_target_is_a_field_error_not_a_500(world: Any, value: str) -> None:
    order = _award(world)
    asset = services.tooling_add(actor=world.makers["alpha"], order=order, kind="mould",
                                 name="Cover mould", cost="100")
    answer = _client(world.owner).post(f"/orders/tooling/{asset.pk}/do/transfer",
                                       {"to": value})
    assert answer.status_code in (303, 422), answer.status_code
    assert not asset.transfers.exists()


@pytest.mark.parametrize(("action", "field"), [("change", "line"), ("tooling", "part")])
def test_a_superscript_digit_is_not_a_line_or_part_number(world: Any, action: str,
                                                         field: str) -> None:
    # "²".isdigit() is true in Python but int("²") fails: it used to be a 500.
    order = _award(world)
    data = {"kind": "quantity" if action == "change" else "mould", "new_value": "10",
            "name": "Mould", "cost": "1", field: "²"}
    answer = _client(world.owner).post(f"/orders/{order.pk}/do/{action}", data)
    assert answer.status_code == 303, answer.status_code
    assert not order.changes.exists() and not ToolingAsset.objects.exists()


def _transferred(world: Any) -> ToolingAsset:
    """A mould moved from alpha to bravo (every checklist item ticked)."""
    order = _award(world)
    asset = services.tooling_add(actor=world.makers["alpha"], order=order, kind="mould",
                                 name="Cover mould", cost="100")
    bravo = world.firms["bravo"]
    transfer = services.tooling_transfer_request(actor=world.owner, asset=asset,
                                                 to_manufacturer_id=bravo.pk)
    services.tooling_transfer_update(actor=world.makers["alpha"], transfer=transfer,
                                     checklist={"mould_released": True, "drawings_sent": True})
    services.tooling_transfer_update(actor=world.owner, transfer=transfer,
                                     checklist={"last_shot_samples": True})
    services.tooling_transfer_complete(actor=world.owner, transfer=transfer)
    asset.refresh_from_db()
    assert asset.location_id == bravo.pk
    return asset


def test_the_firm_that_now_holds_a_tool_sees_and_keeps_it(world: Any) -> None:
    asset = _transferred(world)
    bravo, alpha = world.makers["bravo"], world.makers["alpha"]
    assert _client(bravo).get(f"/orders/tooling/{asset.pk}/").status_code == 200
    # the new holder records the tool's status; the former holder no longer can
    services.tooling_update(actor=bravo, asset=asset, status="retired")
    with pytest.raises(PermissionError):
        services.tooling_update(actor=alpha, asset=asset, status="in_production")
    asset.refresh_from_db()
    assert asset.status == "retired"


def test_a_second_transfer_is_released_by_the_current_holder(world: Any) -> None:
    asset = _transferred(world)
    charlie = world.firms["charlie"]
    transfer = services.tooling_transfer_request(actor=world.owner, asset=asset,
                                                 to_manufacturer_id=charlie.pk)
    with pytest.raises(PermissionError):  # alpha gave the mould away: it releases nothing
        services.tooling_transfer_update(actor=world.makers["alpha"], transfer=transfer,
                                         checklist={"mould_released": True})
    services.tooling_transfer_update(actor=world.makers["bravo"], transfer=transfer,
                                     checklist={"mould_released": True})
    transfer.refresh_from_db()
    assert transfer.mould_released


def test_a_stale_page_does_not_cancel_an_order_confirmed_meanwhile(world: Any) -> None:
    order = _award(world)
    owner = _client(world.owner)
    page = owner.get(f"/orders/{order.pk}/").content.decode()
    assert 'name="seen" value="placed"' in page
    services.order_confirm(actor=world.makers["alpha"], order=order,
                           promised_ship_date=timezone.localdate() + 10 * DAY)
    answer = owner.post(f"/orders/{order.pk}/do/cancel",
                        {"reason": "other", "seen": "placed"}, follow=True)
    assert Order.objects.get(pk=order.pk).status == "confirmed"
    assert "changed meanwhile" in answer.content.decode()


def test_a_field_error_on_the_order_page_speaks_korean(world: Any) -> None:
    order = _award(world)
    client = Client(headers={"accept-language": "ko"})
    client.force_login(world.makers["alpha"])
    client.cookies["django_language"] = "ko"
    page = client.post(f"/orders/{order.pk}/do/confirm",
                       {"promised_ship_date": "2001-01-01", "seen": "placed"},
                       follow=True).content.decode()
    assert "promised_ship_date:" not in page and "the date has passed" not in page
    assert "약속 출하일: 이미 지난 날짜입니다" in page
    assert Order.objects.get(pk=order.pk).status == "placed"


def test_a_partly_shipped_order_offers_no_receipt_that_cannot_succeed(world: Any) -> None:
    order = _award(world)
    maker = world.makers["alpha"]
    services.order_confirm(actor=maker, order=order,
                           promised_ship_date=timezone.localdate() + 10 * DAY)
    services.order_start_production(actor=maker, order=order)
    ordered = sum(ln.quantity for ln in order.lines.all())
    services.shipment_create(actor=maker, order=order, quantity=ordered - 1,
                             shipped_on=timezone.localdate())
    page = _client(world.owner).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="receive"' not in page and 'data-testid="receive-later"' in page
    services.shipment_create(actor=maker, order=order, quantity=1,
                             shipped_on=timezone.localdate())
    page = _client(world.owner).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="receive"' in page


def test_order_money_reads_in_the_locale_not_as_raw_decimals(world: Any) -> None:
    order = _award(world)
    page = _client(world.owner).get(f"/orders/{order.pk}/").content.decode()
    listing = _client(world.owner).get("/orders/").content.decode()
    total = sum(ln.amount for ln in order.lines.all()) + order.tooling_cost
    raw = f"{total} KRW"
    assert raw not in page and raw not in listing
    assert f"₩{int(total):,}" in page and f"₩{int(total):,}" in listing


@pytest.mark.parametrize(("value", "reason"), [
    ("5000000000000", "too large"),    # unit_price is numeric(16, 4): < 10^12 (PostgreSQL 500)
    ("0.00001", "at most 4 decimal places"),  # would be stored as 0.0000
    ("1e-30", "at most 4 decimal places"), ("NaN", "a positive number")])
def test_a_price_change_the_line_cannot_hold_is_a_field_error(world: Any, value: str,
                                                              reason: str) -> None:
    from shisaku.errors import InputError

    order = _award(world)
    line = order.lines.first()
    with pytest.raises(InputError) as caught:
        services.change_propose(actor=world.owner, order=order, kind="price",
                                new_value=value, line_id=line.pk)
    assert (caught.value.field, caught.value.reason) == ("new_value", reason)
    assert not order.changes.exists()


def test_a_price_in_exponent_notation_is_stored_as_plain_digits(world: Any) -> None:
    order = _award(world)
    change = services.change_propose(actor=world.owner, order=order, kind="price",
                                     new_value="1.5E+3", line_id=order.lines.first().pk)
    assert change.new_value == "1500"


@pytest.mark.parametrize("amount", ["0.001", "12.345"])
def test_a_milestone_amount_with_fractions_of_a_cent_is_refused(world: Any,
                                                                amount: str) -> None:
    from shisaku.errors import InputError

    order = _award(world)
    with pytest.raises(InputError, match="at most 2 decimal places"):
        services.milestone_add(actor=world.owner, order=order, kind="deposit", amount=amount)
    assert not order.milestones.exists()


def test_a_promised_date_in_year_9999_is_a_field_error(world: Any) -> None:
    from shisaku.errors import InputError

    order = _award(world)
    for call in (lambda: services.order_confirm(actor=world.makers["alpha"], order=order,
                                                promised_ship_date="9999-12-31"),
                 lambda: services.change_propose(actor=world.owner, order=order, kind="date",
                                                 new_value="9999-12-31")):
        with pytest.raises(InputError, match="years ahead"):
            call()
    order.refresh_from_db()
    assert order.status == "placed" and not order.changes.exists()


def test_an_invoice_dated_after_its_payment_is_refused(world: Any) -> None:
    from shisaku.errors import InputError

    order = _award(world)
    row = services.milestone_add(actor=world.owner, order=order, kind="deposit", amount="100")
    services.milestone_record(actor=world.owner, milestone=row, paid_on="2026-01-10")
    with pytest.raises(InputError) as caught:
        services.milestone_record(actor=world.makers["alpha"], milestone=row,
                                  invoiced_on="2026-02-01")
    assert caught.value.field == "invoiced_on"
    row.refresh_from_db()
    assert row.invoiced_on is None


def test_a_refused_document_says_why_in_japanese(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = _award(world)
    client = Client(headers={"accept-language": "ja"})
    client.force_login(world.makers["alpha"])
    client.cookies["django_language"] = "ja"
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable" * 10)
    page = client.post(f"/orders/{order.pk}/do/document", {"kind": "other", "file": fake},
                       follow=True).content.decode()
    assert "名前は .pdf ですが、中身は対応していない形式です" in page
    assert not order.documents.exists()


def test_the_history_says_a_first_article_was_rejected(world: Any) -> None:
    order = _award(world)
    maker = world.makers["alpha"]
    services.order_confirm(actor=maker, order=order,
                           promised_ship_date=timezone.localdate() + 10 * DAY)
    services.order_start_production(actor=maker, order=order)
    services.first_article_submit(actor=maker, order=order)
    services.first_article_decide(actor=world.owner, order=order, approve=False,
                                  findings="sink marks")
    page = _client(world.owner).get(f"/orders/{order.pk}/").content.decode()
    assert "First article rejected → In production" in page
