"""Orders from awards to delivery: the workflow, its refusals, documents, change orders,
milestones, tooling transfers and the delivery figures computed from facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shisaku.errors import InputError
from shisaku.orders import services
from shisaku.orders.models import DeliveryStats, Order, ToolingAsset
from shisaku.orders.selectors import (
    delivery_figures,
    order_for,
    orders_needing_help,
    orders_visible_to,
    second_source,
    side_of,
)
from shisaku.rfq import services as rfq_services
from shisaku.rfq.choices import IllegalTransition
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    return make_world()


def _on_time_factor(slug: str) -> float:
    from shisaku.directory.adapters import match

    hits = match({"processes": ["cnc_milling"]}, top_k=None).results
    return next(h.factors["on_time"] for h in hits if h.slug == slug)


def awarded(world: Any, *, firm: str = "alpha", now: dt.datetime | None = None) -> Order:
    now = now or timezone.now()
    rfq, invitations = make_rfq(world, now=now)
    inv = next(i for i in invitations if i.manufacturer.slug == firm)
    quote = rfq_services.quote_submit(
        actor=world.makers[firm], invitation=inv, lines=quote_lines(world, "5.00"),
        currency="KRW", tooling_cost="3000000", lead_time_days=20,
        valid_until=(now + 30 * DAY).date(), now=now)
    rfq_services.award_create(actor=world.owner, rfq=rfq, quote_id=quote.pk, now=now)
    return Order.objects.get(rfq=rfq)


def test_an_award_creates_one_order_with_lines_in_pieces(world: Any) -> None:
    order = awarded(world)
    assert order.status == "placed" and order.manufacturer.slug == "alpha"
    assert order.currency == "KRW" and order.tooling_cost == Decimal("3000000")
    lines = list(order.lines.order_by("part_id"))
    assert [ln.part_id for ln in lines] == sorted(p.pk for p in world.parts)
    assert all(ln.quantity == 10 and ln.unit_price == Decimal("5.00") for ln in lines)
    assert side_of(world.makers["alpha"], order) == "manufacturer"
    assert side_of(world.owner, order) == "startup"
    assert side_of(world.coord, order) == "coordinator"
    assert side_of(world.makers["bravo"], order) is None
    assert order_for(user=world.other_startup, pk=order.pk) is None
    assert order_for(user=world.makers["bravo"], pk=order.pk) is None


def test_the_whole_way_with_a_rejected_first_article_and_a_late_delivery(world: Any) -> None:
    now = timezone.now()
    order = awarded(world, now=now)
    maker, owner = world.makers["alpha"], world.owner
    promised = timezone.localdate(now) + 10 * DAY
    services.order_confirm(actor=maker, order=order, promised_ship_date=promised, now=now)
    services.order_start_production(actor=maker, order=order)
    services.first_article_submit(actor=maker, order=order, note="T1 samples",
                                  report=SimpleUploadedFile("fai.pdf", PDF))
    with pytest.raises(InputError) as info:  # a rejection says what is wrong
        services.first_article_decide(actor=owner, order=order, approve=False)
    assert info.value.field == "findings"
    fa1 = services.first_article_decide(actor=owner, order=order, approve=False,
                                        findings="Boss height 0.3 mm over tolerance")
    order.refresh_from_db()
    assert fa1.decision == "rejected" and order.status == "in_production"
    assert [o.pk for o in orders_needing_help(world.coord)["rejected"]] == [order.pk]
    services.first_article_submit(actor=maker, order=order, note="corrected")
    fa2 = services.first_article_decide(actor=owner, order=order, approve=True)
    assert fa2.attempt == 2 and fa2.decision == "approved"
    late = timezone.localdate(now) + 12 * DAY
    later = now + 13 * DAY
    services.shipment_create(actor=maker, order=order, quantity=12, shipped_on=promised,
                             carrier="CJ", tracking_number="123", now=later)
    with pytest.raises(InputError) as info:  # never more than ordered
        services.shipment_create(actor=maker, order=order, quantity=9, shipped_on=late,
                                 now=later)
    assert info.value.field == "quantity" and "8" in info.value.reason
    with pytest.raises(IllegalTransition):  # not everything shipped yet
        services.order_receive(actor=owner, order=order, received_quantity=12, now=later)
    services.shipment_create(actor=maker, order=order, quantity=8, shipped_on=late, now=later)
    with pytest.raises(InputError):
        services.order_receive(actor=owner, order=order, received_quantity=21, now=later)
    before = _on_time_factor("alpha")
    services.order_receive(actor=owner, order=order, received_quantity=20, now=later)
    order.refresh_from_db()
    assert order.status == "delivered" and order.on_time is False
    assert before == 0.5 and _on_time_factor("alpha") == (0 + 3 * 0.5) / 4  # matching reads it
    stats = DeliveryStats.objects.get(manufacturer=order.manufacturer)
    assert (stats.delivered, stats.on_time, stats.first_articles, stats.first_pass) == (
        1, 0, 1, 0)
    assert delivery_figures(order.manufacturer).on_time_rate == 0.0
    services.order_close(actor=owner, order=order, now=later)
    order.refresh_from_db()
    assert order.status == "closed"


def test_each_side_does_only_its_own_steps(world: Any) -> None:
    order = awarded(world)
    day = timezone.localdate() + 5 * DAY
    with pytest.raises(PermissionError):
        services.order_confirm(actor=world.owner, order=order, promised_ship_date=day)
    with pytest.raises(PermissionError):  # the coordinator reads along, it does not act
        services.order_cancel(actor=world.coord, order=order, reason="other")
    with pytest.raises(PermissionError):
        services.order_confirm(actor=world.makers["bravo"], order=order,
                               promised_ship_date=day)
    with pytest.raises(InputError) as info:
        services.order_confirm(actor=world.makers["alpha"], order=order,
                               promised_ship_date=timezone.localdate() - DAY)
    assert info.value.field == "promised_ship_date"
    with pytest.raises(IllegalTransition) as err:  # skipping production
        services.first_article_decide(actor=world.owner, order=order, approve=True)
    assert err.value.current == "placed"


def test_cancel_after_confirm_then_nothing_moves(world: Any) -> None:
    order = awarded(world)
    services.order_confirm(actor=world.makers["alpha"], order=order,
                           promised_ship_date=timezone.localdate() + 3 * DAY)
    with pytest.raises(InputError) as info:
        services.order_cancel(actor=world.owner, order=order, reason="bored")
    assert info.value.field == "reason" and "design_changed" in info.value.valid
    services.order_cancel(actor=world.owner, order=order, reason="design_changed")
    with pytest.raises(IllegalTransition) as err:
        services.order_start_production(actor=world.makers["alpha"], order=order)
    assert err.value.current == "cancelled"


def test_a_shortfall_on_receipt_opens_a_dispute_the_coordinator_sees(world: Any) -> None:
    now = timezone.now()
    order = awarded(world, now=now)
    maker = world.makers["alpha"]
    services.order_confirm(actor=maker, order=order,
                           promised_ship_date=timezone.localdate(now) + 3 * DAY, now=now)
    services.order_start_production(actor=maker, order=order)
    services.shipment_create(actor=maker, order=order, quantity=20,
                             shipped_on=timezone.localdate(now), now=now)
    services.order_receive(actor=world.owner, order=order, received_quantity=18, now=now)
    order.refresh_from_db()
    assert order.status == "disputed" and order.dispute_reason == "shortfall"
    assert [o.pk for o in orders_needing_help(world.coord)["disputed"]] == [order.pk]
    services.order_dispute_settle(actor=world.coord, order=order, target="delivered",
                                  note="2 pieces credited", now=now)
    order.refresh_from_db()
    assert order.status == "delivered" and order.on_time is True


def test_change_orders_are_decided_by_the_other_side_and_explain_the_total(world: Any) -> None:
    order = awarded(world)
    line = order.lines.first()
    change = services.change_propose(actor=world.owner, order=order, kind="quantity",
                                     line_id=line.pk, new_value=40, reason="pilot grew")
    with pytest.raises(InputError):  # one open proposal per subject
        services.change_propose(actor=world.owner, order=order, kind="quantity",
                                line_id=line.pk, new_value=50)
    with pytest.raises(PermissionError):  # the proposer cannot accept its own change
        services.change_decide(actor=world.owner, change=change, accept=True)
    services.change_decide(actor=world.makers["alpha"], change=change, accept=True)
    line.refresh_from_db()
    assert line.quantity == 40 and line.amount == Decimal("200.00")
    price = services.change_propose(actor=world.makers["alpha"], order=order, kind="price",
                                    line_id=line.pk, new_value="4.50")
    refused = services.change_decide(actor=world.owner, change=price, accept=False)
    line.refresh_from_db()
    assert refused.status == "refused" and line.unit_price == Decimal("5.00")
    assert [c.status for c in order.changes.order_by("id")] == ["accepted", "refused"]


def test_documents_are_type_checked_and_stored_under_a_derived_name(world: Any) -> None:
    order = awarded(world)
    doc = services.document_add(actor=world.makers["alpha"], order=order, kind="coc",
                                upload=SimpleUploadedFile("../../evil name.pdf", PDF))
    assert doc.file.name.endswith(".pdf") and "evil" not in doc.file.name
    with pytest.raises(InputError) as info:
        services.document_add(actor=world.makers["alpha"], order=order, kind="coc",
                              upload=SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" * 64))
    assert info.value.field == "file"
    with pytest.raises(PermissionError):
        services.document_add(actor=world.makers["bravo"], order=order, kind="coc",
                              upload=SimpleUploadedFile("x.pdf", PDF))


def test_milestones_record_invoice_and_payment_by_their_side(world: Any) -> None:
    order = awarded(world)
    ms = services.milestone_add(actor=world.owner, order=order, kind="tooling_t1",
                                amount="1500000", due_on=timezone.localdate() + 20 * DAY)
    with pytest.raises(PermissionError):
        services.milestone_record(actor=world.owner, milestone=ms,
                                  invoiced_on=timezone.localdate())
    services.milestone_record(actor=world.makers["alpha"], milestone=ms,
                              invoiced_on=timezone.localdate())
    with pytest.raises(InputError):
        services.milestone_record(actor=world.owner, milestone=ms,
                                  paid_on=timezone.localdate() - DAY)
    ms = services.milestone_record(actor=world.owner, milestone=ms,
                                   paid_on=timezone.localdate())
    assert ms.paid_on == timezone.localdate()


def test_the_owner_moves_its_mould_and_both_firms_see_the_request(world: Any) -> None:
    order = awarded(world)
    asset = services.tooling_add(actor=world.makers["alpha"], order=order, kind="mould",
                                 name="Housing cover mould", cost="3000000", cavities=2,
                                 part_id=world.parts[0].pk)
    assert asset.owner == world.startup and asset.location.slug == "alpha"
    with pytest.raises(PermissionError):  # the holder cannot give it away
        services.tooling_transfer_request(actor=world.makers["alpha"], asset=asset,
                                          to_manufacturer_id=world.firms["bravo"].pk)
    transfer = services.tooling_transfer_request(actor=world.owner, asset=asset,
                                                 to_manufacturer_id=world.firms["bravo"].pk)
    from shisaku.orders.selectors import tooling_for
    assert tooling_for(user=world.makers["bravo"], pk=asset.pk) is not None
    assert tooling_for(user=world.makers["charlie"], pk=asset.pk) is None
    with pytest.raises(InputError):  # the checklist first
        services.tooling_transfer_complete(actor=world.owner, transfer=transfer)
    with pytest.raises(PermissionError):
        services.tooling_transfer_update(actor=world.owner, transfer=transfer,
                                         checklist={"mould_released": True})
    services.tooling_transfer_update(actor=world.makers["alpha"], transfer=transfer,
                                     checklist={"mould_released": True, "drawings_sent": True})
    services.tooling_transfer_update(actor=world.owner, transfer=transfer,
                                     checklist={"last_shot_samples": True})
    services.tooling_transfer_complete(actor=world.owner, transfer=transfer)
    asset = ToolingAsset.objects.get(pk=asset.pk)
    assert asset.location.slug == "bravo" and asset.status == "transferred"


def test_second_source_readiness_counts_valid_quotes_of_other_firms(world: Any) -> None:
    now = timezone.now()
    _rfq, invitations = make_rfq(world, now=now)
    for inv in invitations[:2]:
        rfq_services.quote_submit(
            actor=world.makers[inv.manufacturer.slug], invitation=inv,
            lines=quote_lines(world), currency="USD", lead_time_days=9,
            valid_until=(now + 30 * DAY).date(), now=now)
    part = world.parts[0]
    ready = second_source(part, exclude_manufacturer_id=invitations[0].manufacturer_id)
    assert [e["manufacturer"].pk for e in ready] == [invitations[1].manufacturer_id]
    assert second_source(part, today=(now + 40 * DAY).date()) == []


def test_deleted_projects_close_their_orders_for_everyone(world: Any) -> None:
    order = awarded(world)
    assert orders_visible_to(world.makers["alpha"]).count() == 1
    from shisaku.projects import services as projects
    projects.project_delete(actor=world.owner, project=world.project)
    assert orders_visible_to(world.makers["alpha"]).count() == 0
    assert order_for(user=world.owner, pk=order.pk) is None
