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
