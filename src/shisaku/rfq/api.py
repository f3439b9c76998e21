"""`/api/v1/rfqs` (the startup's side) and `/api/v1/inbox` (the manufacturer's side).

Session authentication. What the caller may not see answers 404, like what does not exist. An
illegal state change answers 409 with the entity's current state. Create, quote submission
and award honour an ``Idempotency-Key`` header: a retry with the same key (same user, same
operation) gets the stored response instead of a second write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Status
from ninja.errors import HttpError

from shisaku.errors import InputError
from shisaku.notifications import selectors as notification_selectors
from shisaku.notifications.services import notification_text
from shisaku.projects.selectors import project_get, project_is_startup_member
from shisaku.rfq import selectors, services
from shisaku.rfq.choices import IllegalTransition
from shisaku.rfq.links import reachability
from shisaku.rfq.models import RFQ, Award, IdempotencyRecord, Invitation, Message, Quote
from shisaku.rfq.schemas import (
    AwardIn,
    AwardsOut,
    CandidateOut,
    ComparisonOut,
    ConflictOut,
    DeclineIn,
    ErrorOut,
    InboxItemOut,
    InvitationOut,
    MessageIn,
    MessageOut,
    NotificationOut,
    QuoteIn,
    QuoteOut,
    RatingIn,
    RatingOut,
    RFQIn,
    RFQOut,
    SendIn,
)
from shisaku.tokens.auth import API_AUTH

__all__ = ["inbox_router", "router"]

router = Router(tags=["rfqs"], auth=API_AUTH)
inbox_router = Router(tags=["inbox"], auth=API_AUTH)

_ERRORS: dict[int, Any] = {404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


# --- helpers ------------------------------------------------------------------------------

def _firm(m: Any) -> dict[str, Any]:
    return {"id": m.pk, "slug": m.slug, "name": m.name}


def _invitation_out(inv: Invitation) -> dict[str, Any]:
    return {"id": inv.pk, "rfq": inv.rfq_id, "manufacturer": _firm(inv.manufacturer),
            "status": inv.status, "sent_at": inv.sent_at, "viewed_at": inv.viewed_at,
            "acknowledged_at": inv.acknowledged_at, "replied_at": inv.replied_at,
            "ack_deadline": inv.ack_deadline, "quote_deadline": inv.quote_deadline,
            "overdue": inv.overdue_at is not None, "overdue_at": inv.overdue_at,
            "decline_reason": inv.decline_reason, "decline_note": inv.decline_note,
            "replaces": inv.replaces_id}


def _award_out(a: Award) -> dict[str, Any]:
    return {"id": a.pk, "rfq": a.rfq_id, "part": a.part_id, "quote": a.quote_id,
            "manufacturer": _firm(a.quote.invitation.manufacturer), "created_at": a.created_at}


def _rfq_out(rfq: RFQ, *, with_invitations: bool = True) -> dict[str, Any]:
    return {
        "id": rfq.pk, "project": rfq.project_id, "title": rfq.title, "status": rfq.status,
        "parts": [{"id": p.pk, "name": p.name, "quantity_per_unit": p.quantity_per_unit,
                   "process_hints": p.process_hints, "material": p.material,
                   "finish": p.finish, "notes": p.notes, "spec": p.spec}
                  for p in rfq.parts.all()],
        "quantity_tiers": rfq.quantity_tiers, "quote_deadline": rfq.quote_deadline,
        "sealed": rfq.sealed, "auto_invite_next": rfq.auto_invite_next, "notes": rfq.notes,
        "created_at": rfq.created_at, "sent_at": rfq.sent_at,
        "invitations": ([_invitation_out(i) for i in
                         rfq.invitations.select_related("manufacturer")]
                        if with_invitations else []),
        "awards": ([_award_out(a) for a in rfq.awards.select_related(
            "quote__invitation__manufacturer")] if with_invitations else [])}


def _quote_out(q: Quote) -> dict[str, Any]:
    return {"id": q.pk, "invitation": q.invitation_id, "revision": q.revision,
            "status": q.status, "currency": q.currency, "tooling_cost": str(q.tooling_cost),
            "lead_time_days": q.lead_time_days, "valid_until": q.valid_until,
            "notes": q.notes, "submitted_at": q.submitted_at,
            "lines": [{"part": ln.part_id, "tier": ln.tier, "unit_price": str(ln.unit_price)}
                      for ln in q.lines.all()]}


def _message_out(m: Message) -> dict[str, Any]:
    return {"id": m.pk, "invitation": m.invitation_id,
            "author": m.author.username if m.author else None,
            "from_manufacturer": m.from_manufacturer, "body": m.body, "has_file": bool(m.file),
            "created_at": m.created_at}


def _conflict(exc: IllegalTransition) -> Status[dict[str, str]]:
    return Status(409, exc.as_dict())


def _guarded(fn: Callable[[], tuple[int, Any]]) -> Status[Any]:
    try:
        status, body = fn()
    except IllegalTransition as exc:
        return _conflict(exc)
    return Status(status, body)


def _idempotent(request: HttpRequest, scope: str,
                fn: Callable[[], tuple[int, Any]]) -> Status[Any]:
    """Run ``fn`` once per (user, scope, Idempotency-Key); replay the stored response.

    The key's row is inserted first in the same transaction as the write, so a concurrent
    retry waits on the unique index and then replays; a refused request stores nothing.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return _guarded(fn)
    if len(key) > 64:
        raise InputError("Idempotency-Key", gettext("at most 64 characters"))
    found = IdempotencyRecord.objects.filter(user=request.user, scope=scope, key=key).first()
    if found is not None:
        return Status(found.status_code, found.body)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(user=request.user, scope=scope, key=key,
                                                      status_code=0, body={})
            status, body = fn()
            record.status_code = status
            record.body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            record.save(update_fields=["status_code", "body"])
    except IllegalTransition as exc:
        return _conflict(exc)
    except IntegrityError:
        found = IdempotencyRecord.objects.filter(user=request.user, scope=scope,
                                                 key=key).first()
        if found is None or not found.status_code:
            raise
        return Status(found.status_code, found.body)
    return Status(status, body)


def _rfq(request: HttpRequest, rfq_id: int, *, edit: bool = False) -> RFQ:
    rfq = selectors.rfq_for_startup(user=request.user, pk=rfq_id)
    if rfq is None or (edit and not selectors.rfq_is_editor(user=request.user, rfq=rfq)):
        raise HttpError(404, gettext("no such request for quotation"))
    return rfq


def _startup_invitation(request: HttpRequest, rfq: RFQ, invitation_id: int) -> Invitation:
    inv = rfq.invitations.select_related("rfq", "rfq__project", "manufacturer").filter(
        pk=invitation_id).first()
    if inv is None:
        raise HttpError(404, gettext("no such invitation"))
    return inv


def _firm_invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    inv = selectors.invitation_for_firm(user=request.user, pk=invitation_id)
    if inv is None:
        raise HttpError(404, gettext("no such invitation"))
    return inv


# --- /rfqs (startup side) -----------------------------------------------------------------

@router.get("", response=list[RFQOut], summary="Requests for quotation you can see")
def list_rfqs(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rfq_out(r, with_invitations=False)
            for r in selectors.rfqs_visible_to(request.user).prefetch_related("parts")]


@router.post("", response={201: RFQOut, **_ERRORS},
             summary="Create a draft RFQ from parts ready for quotation (Idempotency-Key)")
def create_rfq(request: HttpRequest, payload: RFQIn) -> Status[Any]:
    project = project_get(user=request.user, pk=payload.project)
    if project is None or not project_is_startup_member(user=request.user, project=project):
        raise HttpError(404, gettext("no such project of your startup"))

    def run() -> tuple[int, Any]:
        rfq = services.rfq_create(
            actor=request.user, project=project, part_ids=payload.parts,
            quantity_tiers=payload.quantity_tiers, quote_deadline=payload.quote_deadline,
            title=payload.title, sealed=payload.sealed,
            auto_invite_next=payload.auto_invite_next, notes=payload.notes)
        return 201, _rfq_out(rfq)
    return _idempotent(request, "rfq.create", run)


@router.get("/{int:rfq_id}", response={200: RFQOut, 404: ErrorOut})
def get_rfq(request: HttpRequest, rfq_id: int) -> dict[str, Any]:
    return _rfq_out(_rfq(request, rfq_id))


@router.get("/{int:rfq_id}/candidates", response={200: list[CandidateOut], 404: ErrorOut},
            summary="The best matches not yet invited")
def candidates(request: HttpRequest, rfq_id: int, limit: int = 10) -> list[dict[str, Any]]:
    rfq = _rfq(request, rfq_id, edit=True)
    found = services.rfq_candidates(rfq=rfq, limit=max(1, min(limit, 50)))
    reach = reachability([m for m, _s in found])
    return [{"manufacturer": _firm(m), "score": s, "reply_median_hours": m.reply_median_hours,
             "reach": reach.get(m.pk, "")} for m, s in found]


@router.post("/{int:rfq_id}/send", response={200: RFQOut, **_ERRORS},
             summary="Send a draft to the chosen manufacturers (default: the top matches)")
def send_rfq(request: HttpRequest, rfq_id: int, payload: SendIn) -> Status[Any]:
    rfq = _rfq(request, rfq_id, edit=True)

    def run() -> tuple[int, Any]:
        services.rfq_send(actor=request.user, rfq=rfq, manufacturer_ids=payload.manufacturers)
        return 200, _rfq_out(rfq)
    return _guarded(run)


def _dec(value: Any) -> str | None:
    return None if value is None else str(value)


@router.get("/{int:rfq_id}/comparison", response={200: ComparisonOut, 404: ErrorOut},
            summary="Quotes side by side in one currency (prices hidden while sealed)")
def comparison(request: HttpRequest, rfq_id: int, quantity: int | None = None,
               currency: str = "") -> dict[str, Any]:
    rfq = _rfq(request, rfq_id)
    if quantity is not None and not 1 <= quantity <= 10**8:
        raise InputError("quantity", gettext("must be between 1 and 100000000"))
    data = selectors.comparison(user=request.user, rfq=rfq, quantity=quantity,
                                currency=currency)
    return {"rfq": rfq.pk, "currency": data["currency"], "quantity": data["quantity"],
            "sealed": data["sealed"], "tiers": data["tiers"],
            "parts": [p.pk for p in data["parts"]],
            "rates": [{"currency": c, "usd_per_unit": str(r), "as_of": d, "source": src}
                      for c, r, d, src in data["rates"]],
            "rows": [{"invitation": r["invitation"].pk, "manufacturer": _firm(r["manufacturer"]),
                      "invitation_status": r["invitation"].status,
                      "quote": _quote_out(r["quote"]) if r["quote"] else None,
                      "unit_prices": [[_dec(c) for c in cells] for cells in r["cells"]],
                      "tooling": _dec(r["tooling"]), "total": _dec(r["total"]),
                      "complete": r["complete"], "rate_missing": r["rate_missing"],
                      "expired": r["expired"], "reply_median_hours": r["reply_hours"],
                      "rating": r["rating"], "rating_count": r["rating_count"],
                      "rates_used": [{"currency": c, "usd_per_unit": str(rate), "as_of": d}
                                     for c, rate, d, _s in r["rates_used"]]}
                     for r in data["rows"]]}


@router.post("/{int:rfq_id}/award", response={201: AwardsOut, **_ERRORS},
             summary="Award the whole request or some parts to one quote, exactly once "
                     "(Idempotency-Key)")
def award(request: HttpRequest, rfq_id: int, payload: AwardIn) -> Status[Any]:
    rfq = _rfq(request, rfq_id, edit=True)

    def run() -> tuple[int, Any]:
        made = services.award_create(actor=request.user, rfq=rfq, quote_id=payload.quote,
                                     part_ids=payload.parts, note=payload.note)
        return 201, {"rfq": rfq.pk, "status": rfq.status,
                     "awards": [_award_out(a) for a in made]}
    return _idempotent(request, f"rfq.{rfq.pk}.award", run)


@router.post("/{int:rfq_id}/cancel", response={200: RFQOut, **_ERRORS},
             summary="Cancel a draft or open request (not an awarded one)")
def cancel(request: HttpRequest, rfq_id: int) -> Status[Any]:
    rfq = _rfq(request, rfq_id, edit=True)
    return _guarded(lambda: (200, _rfq_out(services.rfq_cancel(actor=request.user, rfq=rfq))))


@router.post("/{int:rfq_id}/rating", response={201: RatingOut, **_ERRORS},
             summary="Rate the awarded manufacturer: quality, on-time delivery, communication")
def rate(request: HttpRequest, rfq_id: int, payload: RatingIn) -> Status[Any]:
    rfq = _rfq(request, rfq_id, edit=True)

    def run() -> tuple[int, Any]:
        r = services.rating_create(actor=request.user, rfq=rfq, quality=payload.quality,
                                   on_time=payload.on_time, communication=payload.communication,
                                   comment=payload.comment, award_id=payload.award)
        firm = r.manufacturer
        return 201, {"id": r.pk, "manufacturer": firm.pk, "quality": r.quality,
                     "on_time": r.on_time, "communication": r.communication,
                     "comment": r.comment, "rating": firm.rating,
                     "rating_count": firm.rating_count}
    return _guarded(run)


@router.get("/{int:rfq_id}/invitations/{int:invitation_id}/messages",
            response={200: list[MessageOut], 404: ErrorOut})
def startup_messages(request: HttpRequest, rfq_id: int,
                     invitation_id: int) -> list[dict[str, Any]]:
    inv = _startup_invitation(request, _rfq(request, rfq_id), invitation_id)
    return [_message_out(m) for m in inv.messages.select_related("author")]


@router.post("/{int:rfq_id}/invitations/{int:invitation_id}/messages",
             response={201: MessageOut, **_ERRORS})
def startup_message_post(request: HttpRequest, rfq_id: int, invitation_id: int,
                         payload: MessageIn) -> Status[Any]:
    inv = _startup_invitation(request, _rfq(request, rfq_id, edit=True), invitation_id)
    return _guarded(lambda: (201, _message_out(services.message_post(
        actor=request.user, invitation=inv, body=payload.body, from_manufacturer=False))))


# --- /inbox (manufacturer side) -----------------------------------------------------------

def _inbox_out(inv: Invitation) -> dict[str, Any]:
    out = _invitation_out(inv)
    out["request"] = _rfq_out(inv.rfq, with_invitations=False)
    return out


@inbox_router.get("", response=list[InvitationOut], summary="Invitations of your firms")
def inbox(request: HttpRequest) -> list[dict[str, Any]]:
    return [_invitation_out(i) for i in selectors.inbox_of(request.user)]


@inbox_router.get("/notifications", response=list[NotificationOut],
                  summary="Your notifications, newest first")
def notifications(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    items = notification_selectors.notifications_of(request.user)
    if unread:
        items = items.filter(read_at__isnull=True)
    return [{"id": n.pk, "kind": n.kind, "text": notification_text(n), "url": n.url,
             "created_at": n.created_at, "read": n.read_at is not None} for n in items[:200]]


@inbox_router.get("/{int:invitation_id}", response={200: InboxItemOut, 404: ErrorOut})
def invitation(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    return _inbox_out(_firm_invitation(request, invitation_id))


@inbox_router.post("/{int:invitation_id}/view", response={200: InvitationOut, **_ERRORS})
def view(request: HttpRequest, invitation_id: int) -> Status[Any]:
    inv = _firm_invitation(request, invitation_id)
    return _guarded(lambda: (200, _invitation_out(
        services.invitation_view(actor=request.user, invitation=inv))))


@inbox_router.post("/{int:invitation_id}/acknowledge", response={200: InvitationOut, **_ERRORS})
def acknowledge(request: HttpRequest, invitation_id: int) -> Status[Any]:
    inv = _firm_invitation(request, invitation_id)
    return _guarded(lambda: (200, _invitation_out(
        services.invitation_acknowledge(actor=request.user, invitation=inv))))


@inbox_router.post("/{int:invitation_id}/decline", response={200: InvitationOut, **_ERRORS})
def decline(request: HttpRequest, invitation_id: int, payload: DeclineIn) -> Status[Any]:
    inv = _firm_invitation(request, invitation_id)
    return _guarded(lambda: (200, _invitation_out(services.invitation_decline(
        actor=request.user, invitation=inv, reason=payload.reason, note=payload.note))))


@inbox_router.get("/{int:invitation_id}/quotes", response={200: list[QuoteOut], 404: ErrorOut},
                  summary="Your quote revisions for this invitation, newest first")
def quotes(request: HttpRequest, invitation_id: int) -> list[dict[str, Any]]:
    inv = _firm_invitation(request, invitation_id)
    return [_quote_out(q) for q in inv.quotes.prefetch_related("lines").order_by("-revision")]


@inbox_router.post("/{int:invitation_id}/quotes", response={201: QuoteOut, **_ERRORS},
                   summary="Submit a quote or a revision (Idempotency-Key)")
def submit_quote(request: HttpRequest, invitation_id: int, payload: QuoteIn) -> Status[Any]:
    inv = _firm_invitation(request, invitation_id)

    def run() -> tuple[int, Any]:
        q = services.quote_submit(
            actor=request.user, invitation=inv, lines=[ln.dict() for ln in payload.lines],
            currency=payload.currency, lead_time_days=payload.lead_time_days,
            valid_until=payload.valid_until, tooling_cost=payload.tooling_cost,
            notes=payload.notes)
        return 201, _quote_out(q)
    return _idempotent(request, f"invitation.{inv.pk}.quote", run)


@inbox_router.post("/{int:invitation_id}/withdraw", response={200: QuoteOut, **_ERRORS},
                   summary="Withdraw your live quote")
def withdraw(request: HttpRequest, invitation_id: int) -> Status[Any]:
    inv = _firm_invitation(request, invitation_id)
    return _guarded(lambda: (200, _quote_out(services.quote_withdraw(actor=request.user,
                                                                     invitation=inv))))


@inbox_router.get("/{int:invitation_id}/messages", response={200: list[MessageOut], 404: ErrorOut})
def firm_messages(request: HttpRequest, invitation_id: int) -> list[dict[str, Any]]:
    inv = _firm_invitation(request, invitation_id)
    return [_message_out(m) for m in inv.messages.select_related("author")]


@inbox_router.post("/{int:invitation_id}/messages", response={201: MessageOut, **_ERRORS})
def firm_message_post(request: HttpRequest, invitation_id: int,
                      payload: MessageIn) -> Status[Any]:
    inv = _firm_invitation(request, invitation_id)
    return _guarded(lambda: (201, _message_out(services.message_post(
        actor=request.user, invitation=inv, body=payload.body, from_manufacturer=True))))
