"""`/api/v1/orders`: the orders of the caller's organisations, and their state changes.

Session authentication. An order the caller may not see answers 404, an action of the other
side 403, an illegal state change 409 with the current state, bad input 422 with the field.
Every state change honours an ``Idempotency-Key`` header: a retry with the same key (same
user, same order and action) gets the stored response instead of a second change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Status
from ninja.errors import HttpError

from shisaku.errors import InputError
from shisaku.orders import selectors, services
from shisaku.orders.models import ChangeOrder, Order
from shisaku.orders.schemas import (
    CancelIn,
    ChangeDecisionIn,
    ChangeIn,
    ConfirmIn,
    DisputeIn,
    FirstArticleDecisionIn,
    FirstArticleIn,
    OrderOut,
    OrderSummaryOut,
    ReceiptIn,
    ShipmentIn,
)
from shisaku.rfq.choices import IllegalTransition
from shisaku.rfq.models import IdempotencyRecord
from shisaku.rfq.schemas import ConflictOut, ErrorOut
from shisaku.tokens.auth import API_AUTH

__all__ = ["router"]

router = Router(tags=["orders"], auth=API_AUTH)
_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut,
                           422: ErrorOut}


def _summary(o: Order, user: Any) -> dict[str, Any]:
    lines = list(o.lines.all())
    total = sum((ln.amount for ln in lines), Decimal("0")) + o.tooling_cost
    return {"id": o.pk, "number": o.number, "rfq": o.rfq_id, "project": o.project_id,
            "manufacturer": {"id": o.manufacturer_id, "slug": o.manufacturer.slug,
                             "name": o.manufacturer.name},
            "status": o.status, "currency": o.currency, "total": total,
            "promised_ship_date": o.promised_ship_date, "late": selectors.order_late(o),
            "on_time": o.on_time}


def _order_out(o: Order, user: Any) -> dict[str, Any]:
    out = _summary(o, user)
    out.update({
        "side": selectors.side_of(user, o), "tooling_cost": o.tooling_cost,
        "lead_time_days": o.lead_time_days,
        "lines": [{"id": ln.pk, "part": ln.part_id, "part_name": ln.part.name,
                   "quantity": ln.quantity, "unit_price": ln.unit_price, "amount": ln.amount}
                  for ln in o.lines.select_related("part")],
        "shipments": [{"id": s.pk, "quantity": s.quantity, "shipped_on": s.shipped_on,
                       "carrier": s.carrier, "tracking_number": s.tracking_number}
                      for s in o.shipments.all()],
        "first_articles": [{"attempt": f.attempt, "submitted_at": f.submitted_at,
                            "decision": f.decision, "findings": f.findings}
                           for f in o.first_articles.all()],
        "changes": [{"id": c.pk, "kind": c.kind, "line": c.line_id, "old_value": c.old_value,
                     "new_value": c.new_value, "proposed_by": c.proposed_by,
                     "status": c.status} for c in o.changes.all()],
        "consortium_shares": o.consortium_shares, "cancel_reason": o.cancel_reason,
        "dispute_reason": o.dispute_reason,
    })
    return out


def _get(request: HttpRequest, order_id: int) -> Order:
    order = selectors.order_for(user=request.user, pk=order_id)
    if order is None:
        raise HttpError(404, gettext("No such order."))
    return order


def _act(request: HttpRequest, order: Order, action: str,
         fn: Callable[[], Any]) -> Status[Any]:
    """Run a state change once per (user, order, action, Idempotency-Key)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 64:
        raise InputError("Idempotency-Key", gettext("at most 64 characters"))
    scope = f"orders:{order.pk}:{action}"
    if key:
        found = IdempotencyRecord.objects.filter(user=request.user, scope=scope,
                                                 key=key).first()
        if found is not None:
            return Status(found.status_code, found.body)
    try:
        with transaction.atomic():
            record = (IdempotencyRecord.objects.create(user=request.user, scope=scope, key=key,
                                                       status_code=0, body={})
                      if key else None)
            fn()
            body = _order_out(Order.objects.get(pk=order.pk), request.user)
            if record is not None:
                record.status_code = 200
                record.body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
                record.save(update_fields=["status_code", "body"])
    except IllegalTransition as exc:
        return Status(409, exc.as_dict())
    except PermissionError as exc:
        return Status(403, {"detail": str(exc)})
    except IntegrityError:
        found = IdempotencyRecord.objects.filter(user=request.user, scope=scope,
                                                 key=key).first()
        if found is None or not found.status_code:
            raise
        return Status(found.status_code, found.body)
    return Status(200, body)


@router.get("", response={200: list[OrderSummaryOut], 401: ErrorOut},
            summary="The orders of your organisations (both sides) and of projects you "
                    "coordinate")
def order_list(request: HttpRequest) -> list[dict[str, Any]]:
    orders = selectors.orders_visible_to(request.user).prefetch_related("lines")
    return [_summary(o, request.user) for o in orders]


@router.get("/{order_id}", response={200: OrderOut, **_ERRORS}, summary="One order")
def order_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return _order_out(_get(request, order_id), request.user)


@router.post("/{order_id}/confirm", response={200: OrderOut, **_ERRORS},
             summary="The firm confirms with its promised ship date")
def order_confirm(request: HttpRequest, order_id: int, payload: ConfirmIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "confirm", lambda: services.order_confirm(
        actor=request.user, order=order, promised_ship_date=payload.promised_ship_date))


@router.post("/{order_id}/start-production", response={200: OrderOut, **_ERRORS},
             summary="The firm starts production")
def order_produce(request: HttpRequest, order_id: int) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "produce", lambda: services.order_start_production(
        actor=request.user, order=order))


@router.post("/{order_id}/first-articles", response={200: OrderOut, **_ERRORS},
             summary="The firm submits first-article samples (the report is uploaded on the "
                     "order page)")
def first_article_submit(request: HttpRequest, order_id: int,
                         payload: FirstArticleIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "fa_submit", lambda: services.first_article_submit(
        actor=request.user, order=order, note=payload.note))


@router.post("/{order_id}/first-articles/decision", response={200: OrderOut, **_ERRORS},
             summary="The startup approves the first article, or rejects it with findings")
def first_article_decide(request: HttpRequest, order_id: int,
                         payload: FirstArticleDecisionIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "fa_decide", lambda: services.first_article_decide(
        actor=request.user, order=order, approve=payload.approve, findings=payload.findings))


@router.post("/{order_id}/shipments", response={200: OrderOut, **_ERRORS},
             summary="The firm records a (partial) shipment")
def shipment_create(request: HttpRequest, order_id: int, payload: ShipmentIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "ship", lambda: services.shipment_create(
        actor=request.user, order=order, quantity=payload.quantity,
        shipped_on=payload.shipped_on, carrier=payload.carrier,
        tracking_number=payload.tracking_number))


@router.post("/{order_id}/receipt", response={200: OrderOut, **_ERRORS},
             summary="The startup confirms receipt (fewer pieces than shipped: a shortfall "
                     "dispute)")
def order_receive(request: HttpRequest, order_id: int, payload: ReceiptIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "receive", lambda: services.order_receive(
        actor=request.user, order=order, received_quantity=payload.received_quantity,
        note=payload.note))


@router.post("/{order_id}/close", response={200: OrderOut, **_ERRORS},
             summary="The startup closes a delivered order")
def order_close(request: HttpRequest, order_id: int) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "close", lambda: services.order_close(actor=request.user,
                                                                      order=order))


@router.post("/{order_id}/cancel", response={200: OrderOut, **_ERRORS},
             summary="Either side cancels an open order with a reason")
def order_cancel(request: HttpRequest, order_id: int, payload: CancelIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "cancel", lambda: services.order_cancel(
        actor=request.user, order=order, reason=payload.reason, note=payload.note))


@router.post("/{order_id}/dispute", response={200: OrderOut, **_ERRORS},
             summary="Either side opens a dispute with a reason")
def order_dispute(request: HttpRequest, order_id: int, payload: DisputeIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "dispute", lambda: services.order_dispute(
        actor=request.user, order=order, reason=payload.reason, note=payload.note))


@router.post("/{order_id}/changes", response={200: OrderOut, **_ERRORS},
             summary="Propose a quantity, unit-price or ship-date change")
def change_propose(request: HttpRequest, order_id: int, payload: ChangeIn) -> Status[Any]:
    order = _get(request, order_id)
    return _act(request, order, "change", lambda: services.change_propose(
        actor=request.user, order=order, kind=payload.kind, new_value=payload.new_value,
        line_id=payload.line, reason=payload.reason))


@router.post("/{order_id}/changes/{change_id}/decision", response={200: OrderOut, **_ERRORS},
             summary="Accept or refuse the other side's change (the proposer may withdraw)")
def change_decide(request: HttpRequest, order_id: int, change_id: int,
                  payload: ChangeDecisionIn) -> Status[Any]:
    order = _get(request, order_id)
    change = ChangeOrder.objects.filter(order=order, pk=change_id).first()
    if change is None:
        raise HttpError(404, gettext("No such change."))
    return _act(request, order, f"change{change_id}", lambda: services.change_decide(
        actor=request.user, change=change, accept=payload.accept))
