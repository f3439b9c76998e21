"""Order pages: the list of a user's orders, one order with the actions of the user's side,
the tooling register. Views parse, call a service, render; access is decided by
``selectors`` (anything a user may not see is a 404), a refused state change shows its reason
with 409, a field error with 422.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shisaku.core.models import AuditEvent
from shisaku.errors import InputError
from shisaku.orders import selectors, services
from shisaku.orders.choices import (
    OPEN_STATES,
    CancelReason,
    ChangeKind,
    ChangeStatus,
    DisputeReason,
    DocumentKind,
    MilestoneKind,
    OrderStatus,
    Side,
    ToolingKind,
    ToolingStatus,
)
from shisaku.orders.models import ChangeOrder, Order, OrderDocument, PaymentMilestone
from shisaku.rfq.choices import IllegalTransition


def _order_or_404(request: HttpRequest, pk: int) -> Order:
    order = selectors.order_for(user=request.user, pk=pk)
    if order is None:
        raise Http404(_("No such order."))
    return order


def _field_label(field: str) -> str:
    """The form label of a service's field name (a user never reads ``shipped_on``)."""
    labels = {
        "promised_ship_date": _("Promised ship date"), "quantity": _("Quantity (pieces)"),
        "shipped_on": _("Shipped on"), "received_quantity": _("Pieces received"),
        "findings": _("Findings (required to reject)"), "reason": _("Reason"),
        "target": _("Settle as"), "kind": _("Kind"), "line": _("Line"),
        "new_value": _("New value (pieces, price or YYYY-MM-DD)"), "amount": _("Amount"),
        "due_on": _("Due"), "invoiced_on": _("Invoiced"), "paid_on": _("Paid"),
        "file": _("File (PDF or image)"), "report": _("Inspection report (PDF or image)"),
        "name": _("Name"), "cost": _("Cost"), "part": _("Part"), "cavities": _("Cavities"),
        "shot_life": _("Expected shot life"), "status": _("Status"),
        "t0_on": _("T0 samples"), "t1_on": _("T1 samples"), "to_manufacturer": _("Move to"),
        "asset": _("Transfers"), "transfer": _("Transfers"), "checklist": _("Checklist"),
    }
    return str(labels.get(field, field))


def _pk(field: str, value: str | None) -> int | None:
    """An id chosen from a list (empty: none); anything else is a field error (int("²")
    raises although "²".isdigit() holds)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise InputError(field, _("choose one from the list")) from None
    if not 0 < number < 2**31:
        raise InputError(field, _("choose one from the list"))
    return number


def _attempt(request: HttpRequest, action: Callable[[], Any], back: str) -> HttpResponse:
    """Run a service call; a refusal becomes a message on the page it came from (303)."""
    response = redirect(back)
    try:
        action()
    except InputError as exc:
        messages.error(request, _("%(field)s: %(reason)s") % {
            "field": _field_label(exc.field), "reason": exc.reason})
        response.status_code = 303
    except IllegalTransition as exc:
        reason = exc.reason
        if reason.startswith(f"a {exc.entity} that is "):  # the table's words, not a user's
            reason = (_("Not possible while the order is %(status)s.") % {
                "status": OrderStatus(exc.current).label}
                if exc.entity == "order" and exc.current in OrderStatus.values
                else _("This is no longer possible: reload the page and try again."))
        messages.error(request, reason)
        response.status_code = 303
    except PermissionError as exc:
        messages.error(request, str(exc))
        response.status_code = 303
    return response


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    orders = list(selectors.orders_visible_to(request.user).prefetch_related("lines"))
    today = timezone.localdate()
    rows = [{"order": o, "side": selectors.side_of(request.user, o),
             "late": selectors.order_late(o, today),
             "total": _total(o)} for o in orders]
    return render(request, "orders/list.html", {
        "rows": rows, "help": selectors.orders_needing_help(request.user)})


def _total(order: Order) -> Decimal:
    return sum((ln.amount for ln in order.lines.all()), Decimal("0")) + order.tooling_cost


def _history(order: Order) -> list[dict[str, Any]]:
    """The order's audit trail in words: when, who, and the state it moved to."""
    rows = []
    for event in (AuditEvent.objects.filter(object_type="orders.order",
                                            object_id=str(order.pk))
                  .select_related("actor").order_by("created_at", "id")):
        target = (event.data or {}).get("to") or (
            OrderStatus.PLACED if event.action == "orders.place" else "")
        label = str(OrderStatus(target).label) if target in OrderStatus.values else ""
        # a rejection and a settlement move the order back: say what happened, then where
        # it stands (a bare "in production" by the startup reads as a mistake)
        what = {"orders.fa_reject": _("First article rejected"),
                "orders.settle": _("Dispute settled")}.get(event.action)
        if what and label:
            label = f"{what} → {label}"
        rows.append({"at": event.created_at, "actor": event.actor, "label": label})
    return rows


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    side = selectors.side_of(request.user, order)
    lines = list(order.lines.select_related("part"))
    shipped = sum(s.quantity for s in order.shipments.all())
    ordered = sum(ln.quantity for ln in lines)
    status = order.status
    can = {
        "confirm": side == Side.MANUFACTURER and status == OrderStatus.PLACED,
        "produce": side == Side.MANUFACTURER and status == OrderStatus.CONFIRMED,
        "fa_submit": side == Side.MANUFACTURER and status == OrderStatus.IN_PRODUCTION,
        "fa_decide": side == Side.STARTUP and status == OrderStatus.FA_SUBMITTED,
        "ship": side == Side.MANUFACTURER and shipped < ordered and status in (
            OrderStatus.IN_PRODUCTION, OrderStatus.FA_APPROVED, OrderStatus.SHIPPED),
        # receipt delivers the order: offered once everything ordered has shipped (a
        # partial shipment cannot be delivered, the form would be a dead end)
        "receive": side == Side.STARTUP and status == OrderStatus.SHIPPED and shipped >= ordered,
        "receive_later": side == Side.STARTUP and status == OrderStatus.SHIPPED
        and shipped < ordered,
        "close": side == Side.STARTUP and status == OrderStatus.DELIVERED,
        "cancel": side in (Side.STARTUP, Side.MANUFACTURER) and status in OPEN_STATES
        and status != OrderStatus.DELIVERED,
        "dispute": side in (Side.STARTUP, Side.MANUFACTURER) and status in OPEN_STATES,
        "settle": side in (Side.STARTUP, "coordinator") and status == OrderStatus.DISPUTED,
        "change": side in (Side.STARTUP, Side.MANUFACTURER) and status in OPEN_STATES
        and status != OrderStatus.DELIVERED,
        "write": side in (Side.STARTUP, Side.MANUFACTURER),
    }
    parts = [{"line": ln, "second_source": selectors.second_source(
        ln.part, exclude_manufacturer_id=order.manufacturer_id)} for ln in lines]
    accepted = order.changes.filter(status=ChangeStatus.ACCEPTED).order_by("decided_at")
    return render(request, "orders/detail.html", {
        "order": order, "side": side, "can": can, "parts": parts, "ordered": ordered,
        "shipped": shipped, "late": selectors.order_late(order),
        "lines_total": sum((ln.amount for ln in lines), Decimal("0")),
        "total": _total(order), "accepted_changes": accepted,
        "first_articles": order.first_articles.prefetch_related("documents"),
        "shipments": order.shipments.all(), "documents": order.documents.all(),
        "changes": order.changes.select_related("line__part"),
        "milestones": order.milestones.all(), "tooling": order.tooling.select_related("part"),
        "history": _history(order),
        "cancel_reasons": CancelReason.choices, "dispute_reasons": DisputeReason.choices,
        "document_kinds": DocumentKind.choices, "change_kinds": ChangeKind.choices,
        "milestone_kinds": MilestoneKind.choices, "tooling_kinds": ToolingKind.choices,
        "settle_targets": [(s, OrderStatus(s).label) for s in (
            OrderStatus.IN_PRODUCTION, OrderStatus.DELIVERED, OrderStatus.CLOSED,
            OrderStatus.CANCELLED)],
        "today": timezone.localdate(),
    })


def _file(request: HttpRequest, name: str) -> Any:
    upload = request.FILES.get(name)
    if upload is None:
        raise InputError(name, _("choose a file"))
    return upload


def _post_action(request: HttpRequest, order: Order, action: str) -> Callable[[], Any]:
    """The service call for ``action`` with the posted fields (unknown action: 404)."""
    p, u = request.POST, request.user
    calls: dict[str, Callable[[], Any]] = {
        "confirm": lambda: services.order_confirm(
            actor=u, order=order, promised_ship_date=p.get("promised_ship_date")),
        "produce": lambda: services.order_start_production(actor=u, order=order),
        "fa_submit": lambda: services.first_article_submit(
            actor=u, order=order, note=p.get("note", ""), report=request.FILES.get("report")),
        "fa_decide": lambda: services.first_article_decide(
            actor=u, order=order, approve=p.get("decision") == "approve",
            findings=p.get("findings", "")),
        "ship": lambda: services.shipment_create(
            actor=u, order=order, quantity=p.get("quantity"), shipped_on=p.get("shipped_on"),
            carrier=p.get("carrier", ""), tracking_number=p.get("tracking_number", "")),
        "receive": lambda: services.order_receive(
            actor=u, order=order, received_quantity=p.get("received_quantity"),
            note=p.get("note", "")),
        "close": lambda: services.order_close(actor=u, order=order),
        "cancel": lambda: services.order_cancel(actor=u, order=order, reason=p.get("reason"),
                                                note=p.get("note", "")),
        "dispute": lambda: services.order_dispute(actor=u, order=order,
                                                  reason=p.get("reason"),
                                                  note=p.get("note", "")),
        "settle": lambda: services.order_dispute_settle(actor=u, order=order,
                                                        target=p.get("target"),
                                                        note=p.get("note", "")),
        "change": lambda: services.change_propose(
            actor=u, order=order, kind=p.get("kind"), new_value=p.get("new_value"),
            line_id=_pk("line", p.get("line")),
            reason=p.get("reason", "")),
        "milestone": lambda: services.milestone_add(actor=u, order=order, kind=p.get("kind"),
                                                    amount=p.get("amount"),
                                                    due_on=p.get("due_on") or None),
        "document": lambda: services.document_add(actor=u, order=order, kind=p.get("kind"),
                                                  upload=_file(request, "file")),
        "tooling": lambda: services.tooling_add(
            actor=u, order=order, kind=p.get("kind"), name=p.get("name", ""),
            cost=p.get("cost") or "0",
            part_id=_pk("part", p.get("part")),
            cavities=p.get("cavities") or None, shot_life=p.get("shot_life") or None),
    }
    if action not in calls:
        raise Http404(_("No such action."))
    return calls[action]


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = _order_or_404(request, pk)
    call = _post_action(request, order, action)
    seen = request.POST.get("seen", "")
    if seen and seen != order.status:
        # The page was shown for another state (the other side acted meanwhile): the user
        # decides again on what the order is now.
        return _attempt(request, lambda: _changed_meanwhile(order),
                        f"{order_url(order)}#{action}")
    return _attempt(request, call, f"{order_url(order)}#{action}")


def _changed_meanwhile(order: Order) -> None:
    raise IllegalTransition("order", order.status, order.status, reason=_(
        "The order changed meanwhile: it is now %(status)s. Reload and try again.") % {
        "status": OrderStatus(order.status).label})


def order_url(order: Order) -> str:
    return reverse("orders:detail", args=[order.pk])


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    change = ChangeOrder.objects.filter(order=order, pk=change_pk).first()
    if change is None:
        raise Http404(_("No such change."))
    accept = request.POST.get("decision") == "accept"
    return _attempt(request, lambda: services.change_decide(actor=request.user, change=change,
                                                            accept=accept),
                    f"{order_url(order)}#changes")


@login_required
@require_POST
def milestone_record(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    milestone = PaymentMilestone.objects.filter(order=order, pk=milestone_pk).first()
    if milestone is None:
        raise Http404(_("No such milestone."))
    return _attempt(request, lambda: services.milestone_record(
        actor=request.user, milestone=milestone, invoiced_on=request.POST.get("invoiced_on"),
        paid_on=request.POST.get("paid_on")), f"{order_url(order)}#milestones")


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    order = _order_or_404(request, pk)
    doc = OrderDocument.objects.filter(order=order, pk=doc_pk).first()
    if doc is None:
        raise Http404(_("No such document."))
    response = FileResponse(doc.file.open("rb"), as_attachment=True,
                            filename=doc.display_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def tooling_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = selectors.tooling_for(user=request.user, pk=pk)
    if asset is None:
        raise Http404(_("No such tool."))
    side = selectors.side_of(request.user, asset.order)
    transfers = list(asset.transfers.select_related("to_manufacturer"))
    open_transfer = next((t for t in transfers if t.status == "requested"), None)
    candidates = []
    if side == Side.STARTUP and asset.part is not None and open_transfer is None:
        candidates = [e["manufacturer"] for e in selectors.second_source(
            asset.part, exclude_manufacturer_id=asset.location_id)]
    return render(request, "orders/tooling.html", {
        "asset": asset, "side": side, "holder": selectors.tool_holder(request.user, asset),
        "transfers": transfers, "open_transfer": open_transfer,
        "candidates": candidates, "statuses": ToolingStatus.choices})


@login_required
@require_POST
def tooling_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    asset = selectors.tooling_for(user=request.user, pk=pk)
    if asset is None:
        raise Http404(_("No such tool."))
    back = reverse("orders:tooling", args=[asset.pk])
    p, u = request.POST, request.user
    transfer = asset.transfers.filter(status="requested").first()

    def need_transfer() -> Any:
        if transfer is None:
            raise InputError("transfer", _("no transfer is under way"))
        return transfer

    calls: dict[str, Callable[[], Any]] = {
        "update": lambda: services.tooling_update(actor=u, asset=asset,
                                                  status=p.get("status") or None,
                                                  t0_on=p.get("t0_on") or None,
                                                  t1_on=p.get("t1_on") or None),
        "transfer": lambda: services.tooling_transfer_request(
            actor=u, asset=asset, to_manufacturer_id=_pk("to_manufacturer", p.get("to")) or 0,
            note=p.get("note", "")),
        "checklist": lambda: services.tooling_transfer_update(
            actor=u, transfer=need_transfer(),
            checklist={k: p.get(k) == "on" for k in p.getlist("items")}),
        "complete": lambda: services.tooling_transfer_complete(actor=u,
                                                               transfer=need_transfer()),
        "cancel": lambda: services.tooling_transfer_complete(actor=u, transfer=need_transfer(),
                                                             cancel=True),
    }
    if action not in calls:
        raise Http404(_("No such action."))
    return _attempt(request, calls[action], back)
