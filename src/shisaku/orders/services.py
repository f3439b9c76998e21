"""Order workflows: created from an award, confirmed, produced, first articles decided,
shipped in parts, received, closed; cancelled or disputed at any open state. Change orders,
payment milestones, documents and the tooling register hang off an order.

Every state change locks the order row and checks the transition table (``choices.py``), so
two sides acting at once (confirm against cancel) give exactly one winner; the other gets
:class:`IllegalTransition` (HTTP 409 with the current state). Every change is audited and
notified to the other side (in-app and e-mail, in each recipient's language).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.consortia.choices import MemberState
from shisaku.consortia.models import Consortium
from shisaku.core.services import audit_record
from shisaku.directory.models import Manufacturer
from shisaku.directory.services import directory_changed
from shisaku.errors import InputError
from shisaku.notifications.services import members_of, notification_send
from shisaku.orders.choices import (
    OPEN_STATES,
    CancelReason,
    ChangeKind,
    ChangeStatus,
    DisputeReason,
    DocumentKind,
    FirstArticleDecision,
    MilestoneKind,
    OrderStatus,
    Side,
    ToolingKind,
    ToolingStatus,
    TransferStatus,
    check_transition,
    transition_allowed,
)
from shisaku.orders.models import (
    ChangeOrder,
    DeliveryStats,
    FirstArticle,
    Order,
    OrderDocument,
    OrderLine,
    PaymentMilestone,
    Shipment,
    ToolingAsset,
    ToolingTransfer,
)
from shisaku.orders.selectors import side_of, tool_holder
from shisaku.projects.filetypes import inspect_upload
from shisaku.rfq.choices import IllegalTransition

__all__ = [
    "award_links_on_award", "change_decide", "change_propose", "delivery_stats_refresh", "document_add",
    "first_article_decide", "first_article_submit", "milestone_add", "milestone_record",
    "order_cancel", "order_close", "order_confirm", "order_create_on_award", "order_dispute",
    "order_dispute_settle", "order_receive", "order_start_production",
    "rating_refusal_on_award", "shipment_create",
    "tooling_add", "tooling_transfer_complete", "tooling_transfer_request",
    "tooling_transfer_update", "tooling_update",
]

STATS_WINDOW_DAYS = 365
# Documents are PDFs or images (type checked by content, as part files are).
_DOCUMENT_KIND = {DocumentKind.PHOTO: "image"}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _url(order: Order) -> str:
    return reverse("orders:detail", args=[order.pk])


def _lock(order: Order) -> Order:
    """The order's row, locked. ``order`` is the state the caller acted on: when another
    request changed it meanwhile (the other side confirmed while this one cancelled), the
    caller's action is refused with the new state, so that of two sides acting at once
    exactly one wins."""
    seen = order.status  # read before waiting for the lock: the caller's object may change
    locked = Order.objects.select_for_update(of=("self",)).select_related(
        "manufacturer", "manufacturer__organisation", "startup", "project").get(pk=order.pk)
    if locked.status != seen:
        raise IllegalTransition("order", locked.status, seen, reason=_(
            "The order changed meanwhile: it is now %(status)s. Reload and try again.") % {
            "status": OrderStatus(locked.status).label})
    locked._caller = order  # type: ignore[attr-defined]
    return locked


def _require_side(actor: Any, order: Order, *sides: str) -> str:
    """The first of ``sides`` the actor belongs to (a member of both organisations may act as
    either); PermissionError when none."""
    if not getattr(actor, "is_authenticated", False) or order.project.deleted_at is not None:
        raise PermissionError(_("not allowed for your side of this order"))
    orgs = {Side.STARTUP: order.startup, Side.MANUFACTURER: order.manufacturer.organisation,
            "coordinator": order.project.coordinator}
    for side in sides:
        org = orgs.get(side)
        if org is not None and org.memberships.filter(user=actor).exists():
            return side
    raise PermissionError(_("not allowed for your side of this order"))


def _move(order: Order, target: str, *, actor: Any, action: str,
          data: dict[str, Any] | None = None) -> None:
    check_transition("order", order.status, target)
    previous = order.status
    order.status = target
    caller = getattr(order, "_caller", None)
    if caller is not None:  # the caller's copy follows (it may act again on it)
        caller.status = target
    audit_record(actor=actor, action=f"orders.{action}", obj=order, summary=str(order),
                 data={"from": previous, "to": target, **(data or {})})


def _tell(order: Order, *, to: str, kind: str, params: dict[str, Any],
          exclude: Any = None) -> None:
    """Notify one side of ``order`` (and its coordinator on disputes / late / rejections)."""
    if to == Side.STARTUP:
        users = members_of(order.startup)
    elif to == Side.MANUFACTURER:
        users = members_of(order.manufacturer.organisation)
    else:
        users = members_of(order.project.coordinator)
    notification_send(users=users, kind=kind, params=params, url=_url(order), exclude=exclude)


def _other(side: str) -> str:
    return Side.MANUFACTURER if side == Side.STARTUP else Side.STARTUP


def _choice(field: str, value: Any, choices: Any) -> str:
    value = str(value or "")
    if value not in choices.values:
        raise InputError(field, _("choose one of: %(values)s") % {
            "values": ", ".join(str(label) for label in choices.labels)},
                         valid=list(choices.values))
    return value


_YEARS_AHEAD = 5


def _date(field: str, value: Any) -> dt.date:
    """A date no further than five years from today (9999-12-31 is a typing slip, and a
    promise nobody can check)."""
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except (TypeError, ValueError):
            raise InputError(field, _("a date as YYYY-MM-DD")) from None
    if day.year > timezone.localdate().year + _YEARS_AHEAD:
        raise InputError(field, _("more than %(n)s years ahead") % {"n": _YEARS_AHEAD})
    return day


def _decimal(field: str, value: Any, *, positive: bool = True, places: int = 2,
             below: Decimal = Decimal("1e13")) -> Decimal:
    """A number the database column holds exactly: ``places`` decimals at most (more would
    be rounded away silently: a price of 0.00001 stored as 0) and less than ``below``."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InputError(field, _("a number")) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise InputError(field, _("a positive number") if positive else _("zero or more"))
    if number >= below:
        raise InputError(field, _("too large"))
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise InputError(field, _("at most %(n)s decimal places") % {"n": places})
    return number


def _whole(field: str, value: Any, *, minimum: int = 1) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise InputError(field, _("a whole number")) from None
    if number < minimum or number > 100_000_000:
        raise InputError(field, _("a whole number from %(min)s to 100,000,000") % {
            "min": minimum})
    return number


# --- creation from an award (subscriber of rfq.award_created) -----------------------------

def order_create_on_award(*, actor: Any, rfq: Any, quote: Any, awards: list[Any],
                          now: dt.datetime | None = None) -> Order:
    """One order for the awarded firm, in the award's transaction.

    Lines: the awarded parts (every part of the RFQ for a whole award) at the RFQ's first
    quantity tier, in pieces (tier products x pieces per product), at the quote's unit price
    for that tier; the startup changes quantities by a change order. A joint quote's order
    carries each member's share and package. A later part award to the same firm on the same
    RFQ joins its order while that order is still only placed.
    """
    now = _now(now)
    firm = quote.invitation.manufacturer
    tiers = sorted(int(t) for t in (rfq.quantity_tiers or [1]))
    tier = tiers[0] if tiers else 1
    prices = {(ln.part_id, ln.tier): ln.unit_price for ln in quote.lines.all()}
    part_ids = [a.part_id for a in awards]
    parts = list(rfq.parts.all()) if None in part_ids else [p for p in rfq.parts.all()
                                                           if p.pk in part_ids]
    order = (Order.objects.select_for_update()
             .filter(rfq=rfq, manufacturer=firm, status=OrderStatus.PLACED).first())
    if order is None:
        order = Order.objects.create(
            rfq=rfq, project=rfq.project, startup=rfq.project.organisation, manufacturer=firm,
            quote=quote, currency=quote.currency, tooling_cost=quote.tooling_cost or 0,
            lead_time_days=quote.lead_time_days, placed_at=now,
            consortium_shares=_joint_shares(awards))
    order.awards.add(*awards)
    for part in parts:
        price = prices.get((part.pk, tier))
        if price is None:  # a part priced only at other tiers: the nearest tier's price
            priced = sorted(t for (pid, t) in prices if pid == part.pk)
            if not priced:
                continue
            price = prices[(part.pk, min(priced, key=lambda t: abs(t - tier)))]
        OrderLine.objects.create(order=order, part=part, unit_price=price,
                                 quantity=tier * max(int(part.quantity_per_unit or 1), 1))
    audit_record(actor=actor, action="orders.place", obj=order, summary=str(order),
                 data={"rfq": rfq.pk, "quote": quote.pk, "awards": [a.pk for a in awards]})
    _tell(order, to=Side.MANUFACTURER, kind="order_placed",
          params={"number": order.number, "title": rfq.title})
    return order


def _joint_shares(awards: list[Any]) -> list[dict[str, Any]]:
    consortium = Consortium.objects.filter(award__in=awards).first()
    if consortium is None:
        return []
    rows = (consortium.members.filter(state=MemberState.ACCEPTED)
            .select_related("manufacturer").order_by("package_id", "id"))
    return [{"manufacturer": r.manufacturer_id, "name": r.manufacturer.name,
             "package": r.package_id, "share_pct": str(r.share_pct or 0)} for r in rows]


# --- the manufacturer's steps ---------------------------------------------------------------

def order_confirm(*, actor: Any, order: Order, promised_ship_date: Any,
                  now: dt.datetime | None = None) -> Order:
    """The firm confirms the order with the date it promises to ship (not in the past)."""
    now = _now(now)
    date = _date("promised_ship_date", promised_ship_date)
    if date < timezone.localdate(now):
        raise InputError("promised_ship_date", _("the date has passed"))
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.MANUFACTURER)
        _move(locked, OrderStatus.CONFIRMED, actor=actor, action="confirm",
              data={"promised_ship_date": date.isoformat()})
        locked.promised_ship_date = date
        locked.confirmed_at = now
        locked.save(update_fields=["status", "promised_ship_date", "confirmed_at",
                                   "updated_at"])
        _tell(locked, to=Side.STARTUP, exclude=actor, kind="order_confirmed",
              params={"firm": locked.manufacturer.name, "number": locked.number,
                      "date": date.isoformat()})
    return locked


def order_start_production(*, actor: Any, order: Order) -> Order:
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.MANUFACTURER)
        _move(locked, OrderStatus.IN_PRODUCTION, actor=actor, action="produce")
        locked.save(update_fields=["status", "updated_at"])
    return locked


def first_article_submit(*, actor: Any, order: Order, note: str = "",
                         report: UploadedFile | None = None,
                         now: dt.datetime | None = None) -> FirstArticle:
    """The firm submits first-article samples, with its inspection report when it has one."""
    now = _now(now)
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.MANUFACTURER)
        _move(locked, OrderStatus.FA_SUBMITTED, actor=actor, action="fa_submit")
        locked.save(update_fields=["status", "updated_at"])
        attempt = locked.first_articles.count() + 1
        fa = FirstArticle.objects.create(order=locked, attempt=attempt,
                                         note=(note or "").strip()[:4000], submitted_at=now)
        if report is not None:
            document_add(actor=actor, order=locked, kind=DocumentKind.FAI_REPORT,
                         upload=report, first_article=fa)
        _tell(locked, to=Side.STARTUP, exclude=actor, kind="order_fa_submitted",
              params={"n": attempt, "number": locked.number})
    return fa


def shipment_create(*, actor: Any, order: Order, quantity: Any, shipped_on: Any,
                    carrier: str = "", tracking_number: str = "",
                    now: dt.datetime | None = None) -> Shipment:
    """A (partial) shipment: never more in all than the order's quantity."""
    now = _now(now)
    qty = _whole("quantity", quantity)
    day = _date("shipped_on", shipped_on)
    if day > timezone.localdate(now):
        raise InputError("shipped_on", _("a shipment cannot be dated in the future"))
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.MANUFACTURER)
        ordered = sum(ln.quantity for ln in locked.lines.all())
        shipped = sum(s.quantity for s in locked.shipments.all())
        if shipped + qty > ordered:
            raise InputError("quantity", _("%(n)s pieces are left to ship") % {
                "n": ordered - shipped})
        if locked.confirmed_at and day < timezone.localdate(locked.confirmed_at):
            raise InputError("shipped_on", _("before the order was confirmed"))
        _move(locked, OrderStatus.SHIPPED, actor=actor, action="ship",
              data={"quantity": qty, "carrier": carrier[:80],
                    "tracking": tracking_number[:80]})
        locked.save(update_fields=["status", "updated_at"])
        shipment = Shipment.objects.create(order=locked, quantity=qty, shipped_on=day,
                                           carrier=(carrier or "").strip()[:80],
                                           tracking_number=(tracking_number or "").strip()[:80])
        _tell(locked, to=Side.STARTUP, exclude=actor, kind="order_shipped",
              params={"qty": qty, "number": locked.number, "carrier": shipment.carrier or "-",
                      "tracking": shipment.tracking_number})
    return shipment


# --- the startup's steps --------------------------------------------------------------------

def first_article_decide(*, actor: Any, order: Order, approve: bool, findings: str = "",
                         now: dt.datetime | None = None) -> FirstArticle:
    """Approve the pending first article, or reject it with findings (back to production)."""
    now = _now(now)
    findings = (findings or "").strip()
    if not approve and not findings:
        raise InputError("findings", _("say what is wrong so the firm can correct it"))
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.STARTUP)
        fa = locked.first_articles.filter(decision=FirstArticleDecision.PENDING).last()
        if fa is None:
            raise IllegalTransition("order", locked.status, OrderStatus.FA_APPROVED,
                                    reason=_("no first article is waiting for a decision"))
        target = OrderStatus.FA_APPROVED if approve else OrderStatus.IN_PRODUCTION
        _move(locked, target, actor=actor, action="fa_approve" if approve else "fa_reject",
              data={"attempt": fa.attempt, "findings": findings[:500]})
        locked.save(update_fields=["status", "updated_at"])
        fa.decision = FirstArticleDecision.APPROVED if approve else FirstArticleDecision.REJECTED
        fa.findings = findings[:4000]
        fa.decided_at = now
        fa.save(update_fields=["decision", "findings", "decided_at"])
        if approve:
            _tell(locked, to=Side.MANUFACTURER, exclude=actor, kind="order_fa_approved",
                  params={"n": fa.attempt, "number": locked.number})
        else:
            for side in (Side.MANUFACTURER, "coordinator"):
                _tell(locked, to=side, exclude=actor, kind="order_fa_rejected",
                      params={"n": fa.attempt, "number": locked.number,
                              "findings": findings[:120]})
        delivery_stats_refresh(manufacturer=locked.manufacturer, now=now)
    return fa


def order_receive(*, actor: Any, order: Order, received_quantity: Any, note: str = "",
                  now: dt.datetime | None = None) -> Order:
    """The startup confirms receipt. All shipped pieces received and everything ordered
    shipped: delivered, and whether it was on time is recorded. Fewer: a shortfall dispute."""
    now = _now(now)
    received = _whole("received_quantity", received_quantity, minimum=0)
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.STARTUP)
        shipments = list(locked.shipments.all())
        shipped = sum(s.quantity for s in shipments)
        ordered = sum(ln.quantity for ln in locked.lines.all())
        if received > shipped:
            raise InputError("received_quantity", _("only %(n)s pieces were shipped") % {
                "n": shipped})
        if received < shipped:
            _dispute(locked, actor=actor, reason=DisputeReason.SHORTFALL,
                     note=note or _("%(received)s of %(shipped)s shipped pieces received.") % {
                         "received": received, "shipped": shipped})
            return locked
        if shipped < ordered:
            raise IllegalTransition("order", locked.status, OrderStatus.DELIVERED,
                                    reason=_("%(n)s pieces are still to ship") % {
                                        "n": ordered - shipped})
        _move(locked, OrderStatus.DELIVERED, actor=actor, action="deliver",
              data={"received": received})
        last = max(s.shipped_on for s in shipments)
        locked.on_time = (locked.promised_ship_date is not None
                          and last <= locked.promised_ship_date)
        locked.delivered_at = now
        locked.save(update_fields=["status", "on_time", "delivered_at", "updated_at"])
        _tell(locked, to=Side.MANUFACTURER, exclude=actor, kind="order_received",
              params={"number": locked.number})
        delivery_stats_refresh(manufacturer=locked.manufacturer, now=now)
    return locked


def order_close(*, actor: Any, order: Order, now: dt.datetime | None = None) -> Order:
    now = _now(now)
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.STARTUP)
        _move(locked, OrderStatus.CLOSED, actor=actor, action="close")
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


# --- either side -----------------------------------------------------------------------------

def order_cancel(*, actor: Any, order: Order, reason: Any, note: str = "",
                 now: dt.datetime | None = None) -> Order:
    """Either side cancels an open order before delivery, with a reason from the list."""
    now = _now(now)
    reason = _choice("reason", reason, CancelReason)
    with transaction.atomic():
        locked = _lock(order)
        side = _require_side(actor, locked, Side.STARTUP, Side.MANUFACTURER)
        _move(locked, OrderStatus.CANCELLED, actor=actor, action="cancel",
              data={"reason": reason, "side": side})
        locked.cancel_reason = reason
        locked.status_note = (note or "").strip()[:2000]
        locked.closed_at = now
        locked.save(update_fields=["status", "cancel_reason", "status_note", "closed_at",
                                   "updated_at"])
        _tell(locked, to=_other(side), exclude=actor, kind="order_cancelled",
              params={"number": locked.number, "reason": reason})
    return locked


def order_dispute(*, actor: Any, order: Order, reason: Any, note: str = "") -> Order:
    reason = _choice("reason", reason, DisputeReason)
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.STARTUP, Side.MANUFACTURER)
        _dispute(locked, actor=actor, reason=reason, note=note)
    return locked


def _dispute(order: Order, *, actor: Any, reason: str, note: str) -> None:
    if order.status not in OPEN_STATES:
        raise IllegalTransition("order", order.status, OrderStatus.DISPUTED)
    _move(order, OrderStatus.DISPUTED, actor=actor, action="dispute",
          data={"reason": reason, "note": (note or "")[:500]})
    order.dispute_reason = reason
    order.status_note = (note or "").strip()[:2000]
    order.save(update_fields=["status", "dispute_reason", "status_note", "updated_at"])
    side = side_of(actor, order) or Side.STARTUP
    for to in (_other(side), "coordinator"):
        _tell(order, to=to, exclude=actor, kind="order_disputed",
              params={"number": order.number, "reason": reason})


def order_dispute_settle(*, actor: Any, order: Order, target: Any, note: str = "",
                         now: dt.datetime | None = None) -> Order:
    """The startup (or the project's coordinator) settles a dispute: back to production
    (rework), delivered, closed or cancelled."""
    now = _now(now)
    allowed = [OrderStatus.IN_PRODUCTION, OrderStatus.DELIVERED, OrderStatus.CLOSED,
               OrderStatus.CANCELLED]
    target = str(target or "")
    if target not in allowed:
        raise InputError("target", _("choose one of: %(values)s") % {
            "values": ", ".join(str(OrderStatus(a).label) for a in allowed)}, valid=allowed)
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.STARTUP, "coordinator")
        _move(locked, target, actor=actor, action="settle", data={"note": note[:500]})
        fields = ["status", "status_note", "updated_at"]
        locked.status_note = (note or "").strip()[:2000]
        if target == OrderStatus.DELIVERED and locked.delivered_at is None:
            shipments = list(locked.shipments.all())
            last = max((s.shipped_on for s in shipments), default=None)
            locked.on_time = bool(last and locked.promised_ship_date
                                  and last <= locked.promised_ship_date)
            locked.delivered_at = now
            fields += ["on_time", "delivered_at"]
        if target in (OrderStatus.CLOSED, OrderStatus.CANCELLED):
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        delivery_stats_refresh(manufacturer=locked.manufacturer, now=now)
    return locked


# --- change orders ---------------------------------------------------------------------------

def change_propose(*, actor: Any, order: Order, kind: Any, new_value: Any,
                   line_id: int | None = None, reason: str = "",
                   now: dt.datetime | None = None) -> ChangeOrder:
    """Either side proposes a quantity, unit-price (per line) or ship-date change; the other
    side accepts or refuses. One open proposal per subject at a time."""
    now = _now(now)
    kind = _choice("kind", kind, ChangeKind)
    with transaction.atomic():
        locked = _lock(order)
        side = _require_side(actor, locked, Side.STARTUP, Side.MANUFACTURER)
        if locked.status not in OPEN_STATES or locked.status == OrderStatus.DELIVERED:
            raise IllegalTransition("order", locked.status, "changed",
                                    reason=_("only an open order before delivery can change"))
        line = None
        if kind in (ChangeKind.QUANTITY, ChangeKind.PRICE):
            line = locked.lines.filter(pk=line_id).first() if line_id else None
            if line is None:
                raise InputError("line", _("choose a line of this order"))
        if kind == ChangeKind.QUANTITY:
            assert line is not None
            shipped = sum(s.quantity for s in locked.shipments.all())
            others = sum(ln.quantity for ln in locked.lines.exclude(pk=line.pk))
            new = _whole("new_value", new_value)
            if new + others < shipped:
                raise InputError("new_value", _("less than what has already shipped"))
            old, value = str(line.quantity), str(new)
        elif kind == ChangeKind.PRICE:
            assert line is not None
            # the line's unit price holds 4 decimals and less than 10^12
            price = _decimal("new_value", new_value, places=4, below=Decimal("1e12"))
            old, value = str(line.unit_price), format(price, "f")
        else:
            day = _date("new_value", new_value)
            if day < timezone.localdate(now):
                raise InputError("new_value", _("the date has passed"))
            old = locked.promised_ship_date.isoformat() if locked.promised_ship_date else ""
            value = day.isoformat()
        if locked.changes.filter(kind=kind, line=line, status=ChangeStatus.PROPOSED).exists():
            raise InputError("kind", _("a change of this is already waiting for an answer"))
        change = ChangeOrder.objects.create(order=locked, kind=kind, line=line, old_value=old,
                                            new_value=value, reason=(reason or "")[:2000],
                                            proposed_by=side, created_at=now)
        audit_record(actor=actor, action="orders.change_propose", obj=change,
                     summary=str(locked), data={"kind": kind, "from": old, "to": value})
        _tell(locked, to=_other(side), exclude=actor, kind="order_change_proposed",
              params={"number": locked.number, "kind": kind, "old": old or "-", "new": value})
    return change


def change_decide(*, actor: Any, change: ChangeOrder, accept: bool,
                  now: dt.datetime | None = None) -> ChangeOrder:
    """The other side accepts (the order changes) or refuses; the proposer may withdraw."""
    now = _now(now)
    with transaction.atomic():
        locked = _lock(change.order)
        side = _require_side(actor, locked, Side.STARTUP, Side.MANUFACTURER)
        row = ChangeOrder.objects.select_for_update().get(pk=change.pk)
        if row.status != ChangeStatus.PROPOSED:
            raise IllegalTransition("change", row.status, ChangeStatus.ACCEPTED)
        if side == row.proposed_by:
            if accept:
                raise PermissionError(_("the other side decides on a proposed change"))
            row.status = ChangeStatus.WITHDRAWN
        else:
            row.status = ChangeStatus.ACCEPTED if accept else ChangeStatus.REFUSED
        if locked.status not in OPEN_STATES and row.status == ChangeStatus.ACCEPTED:
            raise IllegalTransition("order", locked.status, "changed")
        row.decided_at = now
        row.save(update_fields=["status", "decided_at"])
        if row.status == ChangeStatus.ACCEPTED:
            if row.kind == ChangeKind.QUANTITY and row.line is not None:
                row.line.quantity = int(row.new_value)
                row.line.save(update_fields=["quantity"])
            elif row.kind == ChangeKind.PRICE and row.line is not None:
                row.line.unit_price = Decimal(row.new_value)
                row.line.save(update_fields=["unit_price"])
            elif row.kind == ChangeKind.DATE:
                locked.promised_ship_date = dt.date.fromisoformat(row.new_value)
                locked.save(update_fields=["promised_ship_date", "updated_at"])
        audit_record(actor=actor, action=f"orders.change_{row.status}", obj=row,
                     summary=str(locked), data={"kind": row.kind, "to": row.new_value})
        _tell(locked, to=row.proposed_by, exclude=actor, kind="order_change_decided",
              params={"number": locked.number, "status": row.status})
    return row


# --- payment milestones ---------------------------------------------------------------------

def milestone_add(*, actor: Any, order: Order, kind: Any, amount: Any,
                  due_on: Any = None) -> PaymentMilestone:
    """Record a payment milestone (either side); no money moves through the platform."""
    kind = _choice("kind", kind, MilestoneKind)
    value = _decimal("amount", amount)
    due = _date("due_on", due_on) if due_on else None
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.STARTUP, Side.MANUFACTURER)
        row = PaymentMilestone.objects.create(order=locked, kind=kind, amount=value,
                                              due_on=due)
        audit_record(actor=actor, action="orders.milestone_add", obj=row, summary=str(locked),
                     data={"kind": kind, "amount": str(value)})
    return row


def milestone_record(*, actor: Any, milestone: PaymentMilestone, invoiced_on: Any = None,
                     paid_on: Any = None) -> PaymentMilestone:
    """The firm records the invoice date; the startup records the payment date."""
    with transaction.atomic():
        locked = _lock(milestone.order)
        side = _require_side(actor, locked, Side.STARTUP, Side.MANUFACTURER)
        row = PaymentMilestone.objects.select_for_update().get(pk=milestone.pk)
        if invoiced_on:
            if side != Side.MANUFACTURER:
                raise PermissionError(_("the manufacturer records its invoice"))
            day = _date("invoiced_on", invoiced_on)
            if row.paid_on and day > row.paid_on:
                raise InputError("invoiced_on", _("after the payment date"))
            row.invoiced_on = day
        if paid_on:
            if side != Side.STARTUP:
                raise PermissionError(_("the startup records its payment"))
            day = _date("paid_on", paid_on)
            if row.invoiced_on and day < row.invoiced_on:
                raise InputError("paid_on", _("before the invoice date"))
            row.paid_on = day
        row.save(update_fields=["invoiced_on", "paid_on"])
        audit_record(actor=actor, action="orders.milestone_record", obj=row,
                     summary=str(locked), data={"invoiced_on": str(row.invoiced_on or ""),
                                                "paid_on": str(row.paid_on or "")})
    return row


# --- documents -------------------------------------------------------------------------------

def document_add(*, actor: Any, order: Order, kind: Any, upload: UploadedFile,
                 first_article: FirstArticle | None = None,
                 shipment: Shipment | None = None) -> OrderDocument:
    """Attach a PDF or image to an order, type-checked by content like part files, stored
    under a name derived from its checksum and detected type."""
    kind = _choice("kind", kind, DocumentKind)
    side = _require_side(actor, order, Side.STARTUP, Side.MANUFACTURER)
    size = int(upload.size or 0)
    name = upload.name or "file"
    detected = inspect_upload(upload.file, name=name, size=size,
                              kind=_DOCUMENT_KIND.get(kind, "drawing"),
                              max_bytes=settings.SHISAKU_MAX_UPLOAD_MB * 1024 * 1024)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    doc = OrderDocument(order=order, kind=kind, first_article=first_article,
                        shipment=shipment, original_name=name[:255], size_bytes=size,
                        sha256=digest.hexdigest(), detected_type=detected, side=side,
                        uploaded_by=actor if actor.is_authenticated else None)
    stored = ""
    try:
        with transaction.atomic():
            doc.file.save(name, upload, save=False)
            stored = doc.file.name
            doc.save()
            audit_record(actor=actor, action="orders.document_add", obj=doc, summary=name,
                         data={"order": order.pk, "kind": kind, "sha256": doc.sha256})
    except BaseException:
        if stored:
            doc.file.storage.delete(stored)
        raise
    return doc


# --- tooling register ------------------------------------------------------------------------

def tooling_add(*, actor: Any, order: Order, kind: Any, name: str, cost: Any,
                part_id: int | None = None, cavities: Any = None,
                shot_life: Any = None) -> ToolingAsset:
    """Register a mould, die, jig or fixture made for ``order``. Paid for in the order
    (tooling / NRE on it), it belongs to the startup; it stands at the firm."""
    kind = _choice("kind", kind, ToolingKind)
    name = (name or "").strip()
    if not name:
        raise InputError("name", _("give the tool a name (e.g. the part and 'cover mould')"))
    value = _decimal("cost", cost, positive=False)
    with transaction.atomic():
        locked = _lock(order)
        _require_side(actor, locked, Side.STARTUP, Side.MANUFACTURER)
        part = None
        if part_id:
            part = next((ln.part for ln in locked.lines.select_related("part")
                         if ln.part_id == int(part_id)), None)
            if part is None:
                raise InputError("part", _("choose a part of this order"))
        asset = ToolingAsset.objects.create(
            order=locked, part=part, kind=kind, name=name[:120], owner=locked.startup,
            location=locked.manufacturer, cost=value, currency=locked.currency,
            cavities=_whole("cavities", cavities) if cavities not in (None, "") else None,
            shot_life=_whole("shot_life", shot_life) if shot_life not in (None, "") else None)
        audit_record(actor=actor, action="orders.tooling_add", obj=asset, summary=name,
                     data={"order": locked.pk, "cost": str(value)})
    return asset


def tooling_update(*, actor: Any, asset: ToolingAsset, status: Any = None,
                   t0_on: Any = None, t1_on: Any = None) -> ToolingAsset:
    """The holding firm records sample dates and the tool's status."""
    with transaction.atomic():
        row = (ToolingAsset.objects.select_for_update(of=("self",))
               .select_related("order", "location__organisation").get(pk=asset.pk))
        if not tool_holder(actor, row):
            raise PermissionError(_("the firm that holds the tool records its status"))
        if status:
            new = _choice("status", status, ToolingStatus)
            if new in (ToolingStatus.TRANSFER, ToolingStatus.TRANSFERRED):
                raise InputError("status", _("a transfer is requested by the owner"))
            row.status = new
        if t0_on:
            row.t0_on = _date("t0_on", t0_on)
        if t1_on:
            row.t1_on = _date("t1_on", t1_on)
        if row.t0_on and row.t1_on and row.t1_on < row.t0_on:
            raise InputError("t1_on", _("T1 samples come after T0"))
        row.save(update_fields=["status", "t0_on", "t1_on"])
        audit_record(actor=actor, action="orders.tooling_update", obj=row, summary=row.name,
                     data={"status": row.status})
    return row


def tooling_transfer_request(*, actor: Any, asset: ToolingAsset, to_manufacturer_id: int,
                             note: str = "", now: dt.datetime | None = None) -> ToolingTransfer:
    """The owner asks to move its tool to another firm; both firms and the coordinator see
    the request and its checklist."""
    now = _now(now)
    with transaction.atomic():
        row = (ToolingAsset.objects.select_for_update()
               .select_related("order", "location", "owner").get(pk=asset.pk))
        if side_of(actor, row.order) != Side.STARTUP:
            raise PermissionError(_("the tool's owner requests a transfer"))
        if row.transfers.filter(status=TransferStatus.REQUESTED).exists():
            raise InputError("asset", _("a transfer of this tool is already under way"))
        target = Manufacturer.objects.filter(pk=to_manufacturer_id).first()
        if target is None:
            raise InputError("to_manufacturer", _("not a manufacturer of the directory"))
        if target.pk == row.location_id:
            raise InputError("to_manufacturer", _("the tool is already there"))
        transfer = ToolingTransfer.objects.create(asset=row, to_manufacturer=target,
                                                  note=(note or "")[:2000],
                                                  requested_by=actor, requested_at=now)
        row.status = ToolingStatus.TRANSFER
        row.save(update_fields=["status"])
        audit_record(actor=actor, action="orders.tooling_transfer", obj=transfer,
                     summary=f"{row.name} → {target.name}")
        order = row.order
        for users in (members_of(row.location.organisation), members_of(target.organisation),
                      members_of(order.project.coordinator)):
            notification_send(users=users, kind="tooling_transfer",
                              url=reverse("orders:tooling", args=[row.pk]), exclude=actor,
                              params={"owner": row.owner.name, "tool": row.name,
                                      "from": row.location.name, "to": target.name})
    return transfer


def tooling_transfer_update(*, actor: Any, transfer: ToolingTransfer,
                            checklist: dict[str, bool]) -> ToolingTransfer:
    """Tick the checklist: the holding firm releases the mould and hands over drawings; the
    owner confirms the last-shot samples."""
    with transaction.atomic():
        row = (ToolingTransfer.objects.select_for_update(of=("self",))
               .select_related("asset", "asset__order", "asset__location__organisation")
               .get(pk=transfer.pk))
        if row.status != TransferStatus.REQUESTED:
            raise IllegalTransition("transfer", row.status, TransferStatus.REQUESTED)
        allowed: set[str] = set()
        if side_of(actor, row.asset.order) == Side.STARTUP:  # the owner
            allowed |= {"drawings_sent", "last_shot_samples"}
        if tool_holder(actor, row.asset):  # the firm that holds the tool now
            allowed |= {"drawings_sent", "mould_released"}
        for key, value in checklist.items():
            if key not in allowed:
                raise PermissionError(_("this checklist item is ticked by the other side"))
            setattr(row, key, bool(value))
        row.save(update_fields=["drawings_sent", "mould_released", "last_shot_samples"])
        audit_record(actor=actor, action="orders.tooling_checklist", obj=row,
                     data={k: bool(v) for k, v in checklist.items()})
    return row


def tooling_transfer_complete(*, actor: Any, transfer: ToolingTransfer, cancel: bool = False,
                              now: dt.datetime | None = None) -> ToolingTransfer:
    """The owner completes the move (every checklist item ticked) or cancels it."""
    now = _now(now)
    with transaction.atomic():
        row = (ToolingTransfer.objects.select_for_update()
               .select_related("asset", "asset__order").get(pk=transfer.pk))
        if side_of(actor, row.asset.order) != Side.STARTUP:
            raise PermissionError(_("the tool's owner completes or cancels a transfer"))
        target = TransferStatus.CANCELLED if cancel else TransferStatus.COMPLETED
        if not transition_allowed("transfer", row.status, target):
            raise IllegalTransition("transfer", row.status, target)
        if not cancel and not (row.drawings_sent and row.mould_released
                               and row.last_shot_samples):
            raise InputError("checklist", _("every checklist item must be ticked first"))
        row.status = target
        row.completed_at = now
        row.save(update_fields=["status", "completed_at"])
        asset = ToolingAsset.objects.select_for_update().get(pk=row.asset_id)
        if cancel:
            asset.status = ToolingStatus.IN_PRODUCTION
        else:
            asset.location = row.to_manufacturer
            asset.status = ToolingStatus.TRANSFERRED
        asset.save(update_fields=["status", "location"])
        audit_record(actor=actor, action=f"orders.tooling_transfer_{target}", obj=row)
    return row


# --- figures from facts ----------------------------------------------------------------------

def delivery_stats_refresh(*, manufacturer: Manufacturer,
                           now: dt.datetime | None = None) -> DeliveryStats:
    """Recount a firm's on-time and first-pass figures over the last 12 months (orders
    delivered in the window; first decisions of first articles in the window) and bump the
    directory generation so that profiles and matching read them."""
    now = _now(now)
    since = now - dt.timedelta(days=STATS_WINDOW_DAYS)
    delivered = Order.objects.filter(manufacturer=manufacturer, delivered_at__gte=since,
                                     on_time__isnull=False)
    firsts = FirstArticle.objects.filter(order__manufacturer=manufacturer, attempt=1,
                                         decided_at__gte=since).exclude(
        decision=FirstArticleDecision.PENDING)
    with transaction.atomic():  # the figures and their change-log row commit together
        stats, _created = DeliveryStats.objects.get_or_create(manufacturer=manufacturer)
        stats.delivered = delivered.count()
        stats.on_time = delivered.filter(on_time=True).count()
        stats.first_articles = firsts.count()
        stats.first_pass = firsts.filter(decision=FirstArticleDecision.APPROVED).count()
        stats.save()
        Manufacturer.objects.filter(pk=manufacturer.pk).update(
            on_time_rate=stats.on_time_rate, delivered_orders=stats.delivered)
        directory_changed(ids=[manufacturer.pk])
    return stats


# --- answers to rfq's questions (core.events subscribers) -----------------------------------

def rating_refusal_on_award(*, award: Any) -> str | None:
    """``rfq.rating_refusal``: an award is rated once its order is delivered (or closed)."""
    orders = Order.objects.filter(awards=award)
    if not orders.exists():
        return None  # an award from before orders existed keeps its old rule
    if orders.filter(status__in=[OrderStatus.DELIVERED, OrderStatus.CLOSED]).exists():
        return None
    return _("You can rate the manufacturer once the order is delivered.")


def award_links_on_award(*, award: Any) -> list[tuple[str, str]]:
    """``rfq.award_links``: the award's order, linked from the RFQ page."""
    return [(_("Order %(number)s: %(status)s") % {"number": o.number,
                                                   "status": o.get_status_display()}, _url(o))
            for o in Order.objects.filter(awards=award).order_by("id")]
