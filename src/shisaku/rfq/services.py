"""Every write of the quotation workflow: create and send an RFQ, the firm's view /
acknowledge / quote / decline, messages, the award (exactly once), the reply-deadline job and
the reply-time statistics. Each state change goes through ``choices.check_transition`` and is
audited.

Times: ``now`` arguments are aware datetimes (default ``timezone.now()``); tests move the clock
by passing it. Money is ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.core import events
from shisaku.core.services import audit_record
from shisaku.directory.models import Manufacturer
from shisaku.directory.services import directory_changed
from shisaku.errors import InputError
from shisaku.notifications.services import members_of, notification_send
from shisaku.projects import specs
from shisaku.projects.choices import MAX_QUANTITY, Currency
from shisaku.projects.filetypes import display_name, inspect_upload, stored_name
from shisaku.projects.models import Project
from shisaku.projects.selectors import part_ready_for_rfq
from shisaku.rfq.candidates import rfq_candidates, rfq_requirement
from shisaku.rfq.choices import (
    DeclineReason,
    IllegalTransition,
    InvitationStatus,
    NotificationKind,
    QuoteStatus,
    RFQStatus,
    check_transition,
)
from shisaku.rfq.links import answers_by_link, invitation_link_issue, reachable_q, tell_firm
from shisaku.rfq.models import (
    RFQ,
    Award,
    CurrencyRate,
    Invitation,
    Message,
    Quote,
    QuoteLine,
    Rating,
    ReplyStats,
)
from shisaku.rfq.selectors import rating_excluded_reason, sealed_now
from shisaku.rfq.stats import InvitationEvents, reply_figures

__all__ = [
    "ack_hours",
    "award_create",
    "invitation_acknowledge",
    "invitation_decline",
    "invitation_view",
    "message_post",
    "quote_submit",
    "quote_withdraw",
    "rating_create",
    "reply_deadlines_check",
    "reply_stats_update",
    "rfq_cancel",
    "rfq_candidates",
    "rfq_create",
    "rfq_requirement",
    "rfq_send",
]

MAX_TIERS = 6
MAX_INVITES = 20
DEFAULT_INVITES = 3


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def ack_hours() -> float:
    """Working hours a firm has to acknowledge an invitation (``SHISAKU_ACK_HOURS``, default 2)."""
    return float(getattr(settings, "SHISAKU_ACK_HOURS", 2))


def ack_deadline_after(sent_at: dt.datetime) -> dt.datetime:
    """The acknowledgement deadline: ``ack_hours()`` working hours of the deployment's calendar
    (``SHISAKU_WORKING_HOURS``, e.g. "09:00-18:00 mon-fri", in ``TIME_ZONE``, holidays in
    ``SHISAKU_HOLIDAYS``); plain clock hours when the calendar setting is empty."""
    from shisaku.rfq.working_hours import add_working_hours, parse_calendar

    spec = getattr(settings, "SHISAKU_WORKING_HOURS", "")
    if not spec:
        return sent_at + dt.timedelta(hours=ack_hours())
    calendar = parse_calendar(spec, settings.TIME_ZONE, getattr(settings, "SHISAKU_HOLIDAYS", ()))
    return add_working_hours(sent_at, ack_hours(), calendar)


def _set_status(obj: Any, entity: str, target: str) -> None:
    check_transition(entity, obj.status, target)
    obj.status = target


# --- create -------------------------------------------------------------------------------

def _tiers(value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not value:
        raise InputError("quantity_tiers", _("give one to six quantities, e.g. 10, 300, 5000"))
    tiers = []
    for raw in value:
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise InputError("quantity_tiers", _("quantities must be whole numbers"))
        try:
            n = int(str(raw).replace(",", "").strip())
        except ValueError:
            raise InputError("quantity_tiers", _("not a whole number: %(value)s") % {"value": raw}) from None
        if not 1 <= n <= MAX_QUANTITY:
            raise InputError("quantity_tiers", _("quantities must be between 1 and %(max)s") % {"max": MAX_QUANTITY})
        tiers.append(n)
    tiers = sorted(set(tiers))
    if len(tiers) > MAX_TIERS:
        raise InputError("quantity_tiers", _("at most %(n)s quantities") % {"n": MAX_TIERS})
    return tiers


def rfq_create(*, actor: Any, project: Project, part_ids: Sequence[int],
               quantity_tiers: Sequence[Any], quote_deadline: dt.datetime, title: str = "",
               sealed: bool = False, auto_invite_next: bool = False, notes: str = "",
               now: dt.datetime | None = None) -> RFQ:
    """A draft RFQ for parts of ``project`` that are complete enough for an RFQ; any other
    part is refused with field ``parts`` and the reason."""
    now = _now(now)
    if not part_ids:
        raise InputError("parts", _("choose at least one part"))
    parts = {p.pk: p for p in project.parts.filter(pk__in=list(part_ids))
             .prefetch_related("files")}
    for pid in part_ids:
        part = parts.get(int(pid))
        if part is None:
            raise InputError("parts", _("part %(id)s is not a part of this project") % {"id": pid})
        if not part_ready_for_rfq(part):
            missing = ", ".join(m["label"] for m in specs.completeness(part).missing)
            raise InputError("parts", _("%(part)s: the specification is not complete enough for an RFQ (missing: %(missing)s)") % {
                                          "part": part.name, "missing": missing})
    tiers = _tiers(list(quantity_tiers))  # quantities of products
    if quote_deadline is not None and timezone.is_naive(quote_deadline):
        quote_deadline = timezone.make_aware(quote_deadline)  # the deployment's time zone
    if quote_deadline is None or quote_deadline <= now:
        raise InputError("quote_deadline", _("must be in the future"))
    title = (title or "").strip()[:200] or _("Quotation for %(project)s") % {
        "project": project.title}
    with transaction.atomic():
        rfq = RFQ.objects.create(project=project, title=title, quantity_tiers=tiers,
                                 quote_deadline=quote_deadline, sealed=bool(sealed),
                                 auto_invite_next=bool(auto_invite_next), notes=notes or "",
                                 created_by=actor if actor.is_authenticated else None)
        rfq.parts.set(parts.values())
        audit_record(actor=actor, action="rfq.create", obj=rfq, summary=rfq.title,
                     data={"parts": sorted(parts), "tiers": tiers})
    return rfq


# --- matching and sending -----------------------------------------------------------------

def _rfq_url(rfq: RFQ) -> str:
    return reverse("rfq:detail", args=[rfq.pk])


def _invitation_url(inv: Invitation) -> str:
    return reverse("rfq:invitation", args=[inv.pk])


def _invite(*, actor: Any, rfq: RFQ, manufacturer: Manufacturer, now: dt.datetime,
            score: float | None = None, replaces: Invitation | None = None) -> Invitation:
    inv = Invitation.objects.create(
        rfq=rfq, manufacturer=manufacturer, sent_at=now,
        ack_deadline=ack_deadline_after(now),
        quote_deadline=rfq.quote_deadline, match_score=score, replaces=replaces)
    audit_record(actor=actor, action="rfq.invite", obj=inv,
                 summary=f"{rfq.title} → {manufacturer.name}",
                 data={"rfq": rfq.pk, "manufacturer": manufacturer.pk,
                       "replaces": replaces.pk if replaces else None})
    if answers_by_link(manufacturer):  # no member: its contact address gets a personal link
        invitation_link_issue(actor=actor, invitation=inv, now=now)
    notification_send(users=members_of(manufacturer.organisation),
                      kind=NotificationKind.INVITED, url=_invitation_url(inv),
                      params={"title": rfq.title, "ack_deadline": inv.ack_deadline.isoformat(),
                              "quote_deadline": inv.quote_deadline.isoformat()})
    return inv


def rfq_send(*, actor: Any, rfq: RFQ, manufacturer_ids: Sequence[int] | None = None,
             now: dt.datetime | None = None) -> list[Invitation]:
    """Send a draft RFQ to the chosen firms (default: the top ``DEFAULT_INVITES`` matches)."""
    now = _now(now)
    if manufacturer_ids is None:
        manufacturer_ids = [m.pk for m, _s in rfq_candidates(rfq=rfq, limit=DEFAULT_INVITES)]
    ids = list(dict.fromkeys(int(i) for i in manufacturer_ids))
    if not ids:
        raise InputError("manufacturers", _("choose at least one manufacturer"))
    if len(ids) > MAX_INVITES:
        raise InputError("manufacturers", _("at most %(n)s manufacturers") % {"n": MAX_INVITES})
    firms = Manufacturer.objects.in_bulk(ids)
    unknown = [i for i in ids if i not in firms]
    if unknown:
        raise InputError("manufacturers", _("no such manufacturer: %(id)s") % {"id": unknown[0]})
    reachable = set(Manufacturer.objects.filter(reachable_q(), pk__in=ids)
                    .values_list("pk", flat=True))
    silent = [firms[i].name for i in ids if i not in reachable]
    if silent:
        # Invited, they could never answer, and their response rate would suffer for it.
        raise InputError("manufacturers", _(
            "%(firm)s has no account on Shisaku yet and no contact e-mail: it cannot answer a "
            "request (the coordinator's window can reach it)") % {"firm": silent[0]})
    if rfq.quote_deadline <= now:
        raise InputError("quote_deadline", _("the quote deadline has passed; set a new one"))
    with transaction.atomic():
        locked = RFQ.objects.select_for_update().get(pk=rfq.pk)
        _set_status(locked, "rfq", RFQStatus.SENT)
        locked.sent_at = now
        locked.save(update_fields=["status", "sent_at"])
        audit_record(actor=actor, action="rfq.send", obj=locked, summary=locked.title,
                     data={"manufacturers": ids})
        invitations = [_invite(actor=actor, rfq=locked, manufacturer=firms[i], now=now)
                       for i in ids]
    rfq.status, rfq.sent_at = locked.status, locked.sent_at
    return invitations


def rfq_cancel(*, actor: Any, rfq: RFQ, reason: str = "",
               now: dt.datetime | None = None) -> RFQ:
    """Cancel a draft or an open RFQ (not an awarded one); invited firms that have not
    declined are told."""
    now = _now(now)
    with transaction.atomic():
        locked = RFQ.objects.select_for_update().get(pk=rfq.pk)
        _set_status(locked, "rfq", RFQStatus.CANCELLED)
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="rfq.cancel", obj=locked, summary=reason[:300])
        for q in Quote.objects.filter(invitation__rfq=locked, status=QuoteStatus.SUBMITTED):
            _set_status(q, "quote", QuoteStatus.LOST)
            q.save(update_fields=["status"])
        for inv in locked.invitations.exclude(status=InvitationStatus.DECLINED).select_related(
                "manufacturer"):
            tell_firm(invitation=inv, kind=NotificationKind.CANCELLED, url=_invitation_url(inv),
                      params={"title": locked.title})
    rfq.status = locked.status
    return locked


# --- the firm's side ----------------------------------------------------------------------

def _lock(inv: Invitation) -> Invitation:
    """Lock the invitation's RFQ row, then the invitation, and read both afresh.

    The award and the cancel lock the RFQ row too, so a firm's write (quote, revision,
    withdrawal, decline) runs entirely before or entirely after them: a revision can never
    slip in after the award has marked the live quotes lost and stay "submitted". The order
    (RFQ, then invitation, then quotes) is the same everywhere, so no deadlock.
    """
    list(RFQ.objects.select_for_update().filter(pk=inv.rfq_id).values_list("pk", flat=True))
    return Invitation.objects.select_for_update(of=("self",)).select_related(
        "rfq", "rfq__project", "manufacturer").get(pk=inv.pk)


def _require_open(rfq: RFQ, target: str) -> None:
    if rfq.status != RFQStatus.SENT:
        raise IllegalTransition("rfq", rfq.status, target,
                                reason=f"the request is {rfq.status}, no longer open")


def _startup_users(rfq: RFQ) -> list[Any]:
    return members_of(rfq.project.organisation)


def invitation_view(*, actor: Any, invitation: Invitation,
                    now: dt.datetime | None = None) -> Invitation:
    """The firm opened the invitation: ``sent`` becomes ``viewed`` (later views change
    nothing)."""
    if invitation.status != InvitationStatus.SENT:
        return invitation
    now = _now(now)
    with transaction.atomic():
        inv = _lock(invitation)
        if inv.status == InvitationStatus.SENT:
            _set_status(inv, "invitation", InvitationStatus.VIEWED)
            inv.viewed_at = now
            inv.save(update_fields=["status", "viewed_at"])
            audit_record(actor=actor, action="rfq.invitation.view", obj=inv)
    invitation.status, invitation.viewed_at = inv.status, inv.viewed_at
    return inv


def invitation_acknowledge(*, actor: Any, invitation: Invitation,
                           now: dt.datetime | None = None) -> Invitation:
    now = _now(now)
    with transaction.atomic():
        inv = _lock(invitation)
        _require_open(inv.rfq, InvitationStatus.ACKNOWLEDGED)
        _set_status(inv, "invitation", InvitationStatus.ACKNOWLEDGED)
        inv.acknowledged_at = now
        inv.viewed_at = inv.viewed_at or now
        inv.save(update_fields=["status", "acknowledged_at", "viewed_at"])
        audit_record(actor=actor, action="rfq.invitation.acknowledge", obj=inv)
        notification_send(users=_startup_users(inv.rfq), kind=NotificationKind.ACKNOWLEDGED,
                          url=_rfq_url(inv.rfq),
                          params={"firm": inv.manufacturer.name, "title": inv.rfq.title})
        reply_stats_update(manufacturer=inv.manufacturer, now=now)
    return inv


def _money(field: str, value: Any, *, positive: bool) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise InputError(field, _("must be a number")) from None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise InputError(field, _("must be more than 0") if positive else _("must not be negative"))
    if amount >= Decimal("1e12"):
        raise InputError(field, _("too large"))
    return amount


def _lines(rfq: RFQ, lines: Iterable[Mapping[str, Any]]) -> list[tuple[int, int, Decimal]]:
    part_ids = set(rfq.parts.values_list("pk", flat=True))
    tiers = set(rfq.quantity_tiers)
    out: dict[tuple[int, int], Decimal] = {}
    for i, line in enumerate(lines):
        try:
            part, tier = int(line.get("part", 0)), int(line.get("tier", 0))
        except (TypeError, ValueError):
            raise InputError(f"lines[{i}]", _("part and tier must be whole numbers")) from None
        if part not in part_ids:
            raise InputError(f"lines[{i}].part", _("not a part of this request"))
        if tier not in tiers:
            raise InputError(f"lines[{i}].tier", _("not one of the request's quantities"))
        out[(part, tier)] = _money(f"lines[{i}].unit_price", line.get("unit_price"),
                                   positive=True)
    if not out:
        raise InputError("lines", _("price at least one part at one quantity"))
    return [(p, t, price) for (p, t), price in sorted(out.items())]


def quote_submit(*, actor: Any, invitation: Invitation, lines: Iterable[Mapping[str, Any]],
                 currency: str, lead_time_days: Any, valid_until: dt.date,
                 tooling_cost: Any = 0, notes: str = "",
                 now: dt.datetime | None = None) -> Quote:
    """A quote, or a new revision of it (the previous revision stays, status ``revised``).

    ``lines``: ``{"part": id, "tier": quantity, "unit_price": amount}`` in ``currency``.
    """
    now = _now(now)
    if currency not in Currency.values:
        raise InputError("currency", _("unknown currency"), valid=list(Currency.values))
    tooling = _money("tooling_cost", tooling_cost or 0, positive=False)
    try:
        lead = int(lead_time_days)
    except (TypeError, ValueError):
        raise InputError("lead_time_days", _("must be a whole number of days")) from None
    if not 1 <= lead <= 3650:
        raise InputError("lead_time_days", _("must be between 1 and 3650 days"))
    if not isinstance(valid_until, dt.date) or valid_until < timezone.localdate(now):
        raise InputError("valid_until", _("must be a date from today on"))
    with transaction.atomic():
        inv = _lock(invitation)
        _require_open(inv.rfq, InvitationStatus.QUOTED)
        if now > inv.quote_deadline:
            raise IllegalTransition("invitation", inv.status, InvitationStatus.QUOTED,
                                    reason="the quote deadline has passed")
        _set_status(inv, "invitation", InvitationStatus.QUOTED)
        priced = _lines(inv.rfq, lines)
        previous = inv.quotes.filter(status=QuoteStatus.SUBMITTED).first()
        if previous is not None:
            _set_status(previous, "quote", QuoteStatus.REVISED)
            previous.save(update_fields=["status"])
        revision = (inv.quotes.order_by("-revision").values_list("revision", flat=True)
                    .first() or 0) + 1
        quote = Quote.objects.create(
            invitation=inv, revision=revision, currency=currency, tooling_cost=tooling,
            lead_time_days=lead, valid_until=valid_until, notes=(notes or "")[:5000],
            submitted_by=actor if actor.is_authenticated else None, submitted_at=now)
        QuoteLine.objects.bulk_create(QuoteLine(quote=quote, part_id=p, tier=t, unit_price=v)
                                      for p, t, v in priced)
        inv.replied_at = inv.replied_at or now
        inv.viewed_at = inv.viewed_at or now
        inv.save(update_fields=["status", "replied_at", "viewed_at"])
        audit_record(actor=actor, action="rfq.quote.submit", obj=quote,
                     summary=f"{inv.manufacturer.name} r{revision}",
                     data={"invitation": inv.pk, "revision": revision, "currency": currency,
                           "lines": len(priced)})
        notification_send(users=_startup_users(inv.rfq), kind=NotificationKind.QUOTE,
                          url=_rfq_url(inv.rfq),
                          params={"firm": inv.manufacturer.name, "rev": revision,
                                  "title": inv.rfq.title})
        reply_stats_update(manufacturer=inv.manufacturer, now=now)
    return quote


def quote_withdraw(*, actor: Any, invitation: Invitation,
                   now: dt.datetime | None = None) -> Quote:
    """The firm withdraws its live quote (kept, status ``withdrawn``); it may quote again
    while the request is open."""
    with transaction.atomic():
        inv = _lock(invitation)
        _require_open(inv.rfq, QuoteStatus.WITHDRAWN)
        quote = inv.quotes.select_for_update().filter(status=QuoteStatus.SUBMITTED).first()
        if quote is None:
            raise IllegalTransition("invitation", inv.status, QuoteStatus.WITHDRAWN,
                                    reason="there is no live quote to withdraw")
        _set_status(quote, "quote", QuoteStatus.WITHDRAWN)
        quote.save(update_fields=["status"])
        audit_record(actor=actor, action="rfq.quote.withdraw", obj=quote)
        notification_send(users=_startup_users(inv.rfq), kind=NotificationKind.WITHDRAWN,
                          url=_rfq_url(inv.rfq),
                          params={"firm": inv.manufacturer.name, "title": inv.rfq.title})
    return quote


def invitation_decline(*, actor: Any, invitation: Invitation, reason: str, note: str = "",
                       now: dt.datetime | None = None) -> Invitation:
    now = _now(now)
    if reason not in DeclineReason.values:
        raise InputError("reason", _("choose a reason from the list"),
                         valid=list(DeclineReason.values))
    note = (note or "").strip()
    if reason == DeclineReason.OTHER and not note:
        raise InputError("note", _("say why when the reason is 'other'"))
    with transaction.atomic():
        inv = _lock(invitation)
        _set_status(inv, "invitation", InvitationStatus.DECLINED)
        inv.decline_reason, inv.decline_note = reason, note[:2000]
        inv.replied_at = inv.replied_at or now
        inv.save(update_fields=["status", "decline_reason", "decline_note", "replied_at"])
        audit_record(actor=actor, action="rfq.invitation.decline", obj=inv,
                     summary=reason, data={"reason": reason})
        notification_send(users=_startup_users(inv.rfq), kind=NotificationKind.DECLINED,
                          url=_rfq_url(inv.rfq),
                          params={"firm": inv.manufacturer.name, "title": inv.rfq.title,
                                  "reason": reason})
        reply_stats_update(manufacturer=inv.manufacturer, now=now)
    return inv


def message_post(*, actor: Any, invitation: Invitation, body: str, from_manufacturer: bool,
                 upload: UploadedFile | None = None) -> Message:
    """A message in the invitation's thread (optionally with a file); the other side is
    notified."""
    body = (body or "").strip()
    if not body:
        raise InputError("body", _("write a message"))
    if len(body) > 5000:
        raise InputError("body", _("at most 5000 characters"))
    limit = int(getattr(settings, "SHISAKU_MAX_UPLOAD_MB", 50)) * 1024 * 1024
    detected = ""
    if upload is not None:
        # the content decides the type; the name must agree (see projects.filetypes)
        detected = inspect_upload(upload.file, name=display_name(upload.name or ""),
                                  size=int(upload.size or 0), kind="attachment",
                                  max_bytes=limit)
    if invitation.rfq.status == RFQStatus.DRAFT:
        raise IllegalTransition("rfq", invitation.rfq.status, "sent",
                                reason="the request has not been sent")
    with transaction.atomic():
        msg = Message(invitation=invitation, body=body,
                      author=actor if getattr(actor, "is_authenticated", False) else None,
                      from_manufacturer=from_manufacturer)
        if upload is not None:
            msg.file_name = display_name(upload.name or "")
            msg.file.save(stored_name(detected), upload, save=False)
        msg.save()
        audit_record(actor=actor, action="rfq.message", obj=msg,
                     data={"invitation": invitation.pk, "file": bool(upload)})
        rfq = invitation.rfq
        if from_manufacturer:
            notification_send(users=_startup_users(rfq), kind=NotificationKind.MESSAGE,
                              exclude=actor, url=_invitation_url(invitation),
                              params={"title": rfq.title})
        else:
            tell_firm(invitation=invitation, kind=NotificationKind.MESSAGE,
                      url=_invitation_url(invitation), params={"title": rfq.title},
                      exclude=actor)
    return msg


# --- award --------------------------------------------------------------------------------

def award_create(*, actor: Any, rfq: RFQ, quote_id: int,
                 part_ids: Sequence[int] | None = None, note: str = "",
                 now: dt.datetime | None = None) -> list[Award]:
    """Award the whole RFQ to one quote (``part_ids`` None), or some of its parts.

    Exactly once: the RFQ row is locked, the state table checked, and the unique constraints
    (one whole award per RFQ, one award per part) are the last guard. A part award needs a
    price for that part in the quote. The RFQ becomes ``awarded`` when it is awarded whole or
    every part is; then the remaining live quotes become ``lost`` and every other invited firm
    that did not decline is told, politely. Winners are told at each award.
    """
    now = _now(now)
    try:
        with transaction.atomic():
            locked = RFQ.objects.select_for_update(of=("self",)).select_related("project").get(
                pk=rfq.pk)
            if locked.status == RFQStatus.AWARDED:
                raise IllegalTransition("rfq", locked.status, RFQStatus.AWARDED,
                                        reason="this request has already been awarded")
            check_transition("rfq", locked.status, RFQStatus.AWARDED)
            if sealed_now(locked, now):
                raise IllegalTransition("rfq", locked.status, RFQStatus.AWARDED,
                                        reason="sealed quotes open at the quote deadline")
            quote = (Quote.objects.select_for_update(of=("self",))
                     .select_related("invitation__manufacturer")
                     .filter(pk=quote_id, invitation__rfq=locked).first())
            if quote is None:
                raise InputError("quote", _("not a quote of this request"))
            if quote.status == QuoteStatus.SUBMITTED and quote.valid_until < timezone.localdate(
                    now):
                raise IllegalTransition("quote", QuoteStatus.EXPIRED, QuoteStatus.AWARDED,
                                        reason="this quote is no longer valid")
            parts = _award_parts(locked, quote, part_ids)
            if quote.status != QuoteStatus.AWARDED:  # a quote may win several parts
                _set_status(quote, "quote", QuoteStatus.AWARDED)
                quote.save(update_fields=["status"])
            with transaction.atomic():
                awards = [Award.objects.create(rfq=locked, part_id=p, quote=quote,
                                               note=(note or "")[:2000],
                                               created_by=actor if actor.is_authenticated
                                               else None)
                          for p in parts]
            firm = quote.invitation.manufacturer
            for award in awards:
                audit_record(actor=actor, action="rfq.award", obj=award,
                             summary=f"{locked.title} → {firm.name}",
                             data={"rfq": locked.pk, "quote": quote.pk, "part": award.part_id})
            tell_firm(invitation=quote.invitation, kind=NotificationKind.AWARD_WON,
                      url=_invitation_url(quote.invitation), params={"title": locked.title})
            # Higher floors react (a joint quote's shares, the production orders).
            events.publish(events.AWARD_CREATED, actor=actor, rfq=locked, quote=quote,
                           awards=awards, now=now)
            awarded = set(Award.objects.filter(rfq=locked).values_list("part_id", flat=True))
            if None in awarded or awarded >= set(locked.parts.values_list("pk", flat=True)):
                _set_status(locked, "rfq", RFQStatus.AWARDED)
                locked.closed_at = locked.closed_at or now
                locked.save(update_fields=["status", "closed_at"])
                _award_close(actor, locked)
    except IntegrityError:
        raise IllegalTransition("rfq", RFQStatus.AWARDED, RFQStatus.AWARDED,
                                reason="this request has already been awarded") from None
    rfq.status = locked.status
    return awards


def _award_parts(rfq: RFQ, quote: Quote, part_ids: Sequence[int] | None) -> list[int | None]:
    """The parts to award (``[None]`` for the whole RFQ), refusing what is taken."""
    taken = set(Award.objects.filter(rfq=rfq).values_list("part_id", flat=True))
    if part_ids is None:
        if taken:
            raise IllegalTransition("rfq", rfq.status, RFQStatus.AWARDED,
                                    reason="some parts are already awarded; award the "
                                           "remaining parts one by one")
        return [None]
    wanted = list(dict.fromkeys(int(p) for p in part_ids))
    if not wanted:
        raise InputError("parts", _("choose at least one part"))
    names = dict(rfq.parts.values_list("pk", "name"))
    priced = set(quote.lines.values_list("part_id", flat=True))
    for pid in wanted:
        if pid not in names:
            raise InputError("parts", _("part %(id)s is not a part of this request") % {"id": pid})
        if pid not in priced:
            raise InputError("parts", _("this quote has no price for %(part)s") % {"part": names[pid]})
        if None in taken or pid in taken:
            raise IllegalTransition("rfq", rfq.status, RFQStatus.AWARDED,
                                    reason=f"{names[pid]} is already awarded")
    return list(wanted)


def _award_close(actor: Any, rfq: RFQ) -> None:
    for q in Quote.objects.filter(invitation__rfq=rfq, status__in=[QuoteStatus.SUBMITTED,
                                                                   QuoteStatus.EXPIRED]):
        _set_status(q, "quote", QuoteStatus.LOST)
        q.save(update_fields=["status"])
        audit_record(actor=actor, action="rfq.quote.lost", obj=q)
    winners = set(Award.objects.filter(rfq=rfq).values_list("quote__invitation_id", flat=True))
    others = (Invitation.objects.filter(rfq=rfq).exclude(pk__in=winners)
              .exclude(status=InvitationStatus.DECLINED).select_related("manufacturer"))
    for inv in others:
        tell_firm(invitation=inv, kind=NotificationKind.AWARD_LOST, url=_invitation_url(inv),
                  params={"title": rfq.title})


# --- currency rates ------------------------------------------------------------------------

ECB_FILE = Path(__file__).resolve().parent.parent / "data" / "currency_rates_ecb.csv"
ECB_SOURCE = "ECB euro foreign exchange reference rates of {date}"


def currency_rates_shipped() -> list[tuple[str, dt.date, Decimal, str]]:
    """(currency, date, USD per unit, source) of the ECB reference rates shipped in
    ``data/currency_rates_ecb.csv`` (units per EUR as published; USD per unit derived)."""
    lines = [ln for ln in ECB_FILE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    header = lines[0].split(",")
    out = []
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=True))
        day = dt.date.fromisoformat(row.pop("date"))
        usd_per_eur = Decimal(row.pop("USD"))
        source = ECB_SOURCE.format(date=day.isoformat())
        out.append(("EUR", day, usd_per_eur, source))
        out += [(cur, day, (usd_per_eur / Decimal(per_eur)).quantize(Decimal("1e-10")), source)
                for cur, per_eur in row.items()]
    return out


def currency_rates_load_shipped() -> int:
    """Store the shipped rates that are not there yet (a coordinator's rate of the same day
    is kept); the data migration does the same on ``migrate``. Returns how many were added."""
    added = 0
    for cur, day, rate, source in currency_rates_shipped():
        _row, created = CurrencyRate.objects.get_or_create(
            currency=cur, as_of=day, defaults={"rate_to_usd": rate, "source": source})
        added += created
    return added


def currency_rate_set(*, actor: Any, currency: str, as_of: dt.date, units_per_usd: Any,
                      source: str) -> CurrencyRate:
    """Record how many units of ``currency`` bought 1 USD on ``as_of`` (a coordinator's
    entry; the same currency and day is replaced, other days stay as history)."""
    if currency not in Currency.values or currency == "USD":
        raise InputError("currency", _("choose a currency other than USD"),
                         valid=[c for c in Currency.values if c != "USD"])
    units = _money("units_per_usd", units_per_usd, positive=True)
    source = (source or "").strip()
    if not source:
        raise InputError("source", _("say where the rate comes from"))
    rate = (Decimal(1) / units).quantize(Decimal("1e-10"))
    if rate == 0:
        raise InputError("units_per_usd", _("too large"))
    with transaction.atomic():
        row, _created = CurrencyRate.objects.update_or_create(
            currency=currency, as_of=as_of,
            defaults={"rate_to_usd": rate, "source": source[:200],
                      "entered_by": actor if actor.is_authenticated else None})
        audit_record(actor=actor, action="rfq.currency_rate.set", obj=row,
                     summary=f"{currency} {units}/USD {as_of}",
                     data={"currency": currency, "as_of": as_of.isoformat(),
                           "units_per_usd": str(units), "source": source[:200]})
    return row


# --- the scorecard ------------------------------------------------------------------------

SCORE_FIELDS = ("quality", "on_time", "communication")


def rating_create(*, actor: Any, rfq: RFQ, quality: Any, on_time: Any, communication: Any,
                  comment: str = "", award_id: int | None = None) -> Rating:
    """The startup rates an awarded firm (1-5 each; once per award; ``award_id`` may be left
    out when the RFQ has one award). When the startup and the firm are unrelated
    (``selectors.rating_excluded_reason``) the mean of the three scores joins
    ``Manufacturer.rating`` (a running mean over ``rating_count``, one vote per startup and
    firm), which matching reads, and the directory generation is bumped; a related pair's
    rating is kept but does not count."""
    scores: dict[str, int] = {}
    for name, value in zip(SCORE_FIELDS, (quality, on_time, communication), strict=True):
        try:
            score = int(value)
        except (TypeError, ValueError):
            raise InputError(name, _("a whole number from 1 to 5")) from None
        if not 1 <= score <= 5:
            raise InputError(name, _("a whole number from 1 to 5"))
        scores[name] = score
    with transaction.atomic():
        awards = Award.objects.select_for_update().select_related(
            "quote__invitation__manufacturer").filter(rfq=rfq)
        if not awards.exists():
            raise IllegalTransition("rfq", rfq.status, "rated",
                                    reason="only an awarded request can be rated")
        if award_id is not None:
            award = awards.filter(pk=award_id).first()
            if award is None:
                raise InputError("award", _("not an award of this request"))
        elif awards.count() > 1:
            raise InputError("award", _("this request has several awards: choose one"))
        else:
            award = awards.get()
        if Rating.objects.filter(award=award).exists():
            raise IllegalTransition("rfq", rfq.status, "rated",
                                    reason="this award has already been rated")
        for refusal in events.publish(events.RATING_REFUSAL, award=award):
            if refusal:  # e.g. the orders app: only after delivery
                raise IllegalTransition("rfq", rfq.status, "rated", reason=str(refusal))
        firm = Manufacturer.objects.select_for_update(of=("self",)).select_related("organisation").get(
            pk=award.quote.invitation.manufacturer_id)
        startup = rfq.project.organisation
        excluded = rating_excluded_reason(startup=startup, manufacturer=firm)
        rating = Rating.objects.create(award=award, manufacturer=firm,
                                       comment=(comment or "").strip()[:2000],
                                       created_by=actor if actor.is_authenticated else None,
                                       counts=excluded is None, excluded_reason=excluded or "",
                                       **scores)
        if excluded is None:
            _rating_join(firm, rating, startup)
        audit_record(actor=actor, action="rfq.rate", obj=rating, summary=firm.name,
                     data={**scores, "counts": excluded is None,
                           "excluded_reason": excluded or ""})
    return rating


def _rating_join(firm: Manufacturer, rating: Rating, startup: Any) -> None:
    """Fold a counted rating into ``Manufacturer.rating`` (a running mean over
    ``rating_count``). One startup weighs once per firm: its earlier counted rating of this
    firm is replaced (marked ``repeat_startup``) instead of adding another vote."""
    # On-time delivery is measured from the orders' dates (shisaku.orders), not opined: the
    # rating that matching reads is quality and communication.
    overall = (rating.quality + rating.communication) / 2
    earlier = (Rating.objects.select_for_update()
               .filter(manufacturer=firm, counts=True,
                       award__rfq__project__organisation=startup)
               .exclude(pk=rating.pk).first())
    previous = firm.rating
    count = (firm.rating_count or 0) if previous is not None else 0
    if earlier is not None and previous is not None and count >= 1:
        old = (earlier.quality + earlier.communication) / 2
        firm.rating = round(previous + (overall - old) / count, 3)
        earlier.counts, earlier.excluded_reason = False, "repeat_startup"
        earlier.save(update_fields=["counts", "excluded_reason"])
    else:
        firm.rating = round((previous * count + overall) / (count + 1)
                            if previous is not None else overall, 3)
        firm.rating_count = count + 1
    firm.save(update_fields=["rating", "rating_count"])
    directory_changed(ids=[firm.pk])


# --- the reply-deadline job and statistics ------------------------------------------------

def reply_deadlines_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Mark overdue invitations (no acknowledgement by the ack deadline, or no quote or
    decline by the quote deadline), remind the firm, tell the startup and the project's
    coordinator, invite the next best match when the RFQ opted in; expire quotes past their
    validity; close RFQs past their quote deadline. Safe to run concurrently and repeatedly."""
    now = _now(now)
    counts = {"overdue": 0, "invited_next": 0, "expired": 0, "closed": 0}
    late = (Invitation.objects.filter(overdue_at__isnull=True, rfq__status=RFQStatus.SENT)
            .filter(Q(status__in=[InvitationStatus.SENT, InvitationStatus.VIEWED],
                      ack_deadline__lt=now)
                    | Q(status__in=[InvitationStatus.SENT, InvitationStatus.VIEWED,
                                    InvitationStatus.ACKNOWLEDGED], quote_deadline__lt=now))
            .select_related("rfq", "rfq__project", "manufacturer").order_by("id"))
    touched: dict[int, Manufacturer] = {}
    for inv in late:
        with transaction.atomic():
            if not Invitation.objects.filter(pk=inv.pk, overdue_at__isnull=True).update(
                    overdue_at=now):
                continue  # another worker got it
            counts["overdue"] += 1
            touched[inv.manufacturer_id] = inv.manufacturer
            audit_record(actor=None, action="rfq.invitation.overdue", obj=inv,
                         data={"status": inv.status})
            _overdue_notify(inv)
            if inv.rfq.auto_invite_next and now < inv.rfq.quote_deadline:
                counts["invited_next"] += _invite_next(inv, now)
    for quote in Quote.objects.filter(status=QuoteStatus.SUBMITTED,
                                      valid_until__lt=timezone.localdate(now)):
        _set_status(quote, "quote", QuoteStatus.EXPIRED)
        quote.save(update_fields=["status"])
        audit_record(actor=None, action="rfq.quote.expire", obj=quote)
        counts["expired"] += 1
    for rfq in RFQ.objects.filter(status=RFQStatus.SENT, quote_deadline__lt=now):
        with transaction.atomic():
            if RFQ.objects.filter(pk=rfq.pk, status=RFQStatus.SENT).update(
                    status=RFQStatus.CLOSED, closed_at=now):
                audit_record(actor=None, action="rfq.close", obj=rfq)
                counts["closed"] += 1
    for firm in touched.values():
        reply_stats_update(manufacturer=firm, now=now)
    return counts


def _overdue_notify(inv: Invitation) -> None:
    rfq = inv.rfq
    tell_firm(invitation=inv, kind=NotificationKind.OVERDUE, url=_invitation_url(inv),
              params={"title": rfq.title})
    notification_send(users=members_of(rfq.project.organisation, rfq.project.coordinator),
                      kind=NotificationKind.OVERDUE, url=_rfq_url(rfq),
                      params={"firm": inv.manufacturer.name, "title": rfq.title})


def _invite_next(inv: Invitation, now: dt.datetime) -> int:
    rfq = RFQ.objects.select_for_update().get(pk=inv.rfq_id)
    if rfq.status != RFQStatus.SENT:
        return 0
    candidates = rfq_candidates(rfq=rfq, limit=1)
    if not candidates:
        return 0
    firm, score = candidates[0]
    new = _invite(actor=None, rfq=rfq, manufacturer=firm, now=now, score=score, replaces=inv)
    notification_send(users=members_of(rfq.project.organisation),
                      kind=NotificationKind.NEXT_INVITED, url=_rfq_url(rfq),
                      params={"old": inv.manufacturer.name, "new": new.manufacturer.name,
                              "title": rfq.title})
    return 1


def reply_stats_update(*, manufacturer: Manufacturer,
                       now: dt.datetime | None = None) -> ReplyStats:
    """Recompute the firm's reply figures from its invitations; write the acknowledgement
    median to ``Manufacturer.reply_median_hours`` (what matching scores) and bump the
    directory generation when it moved by 0.05 h or more (the index keeps one decimal)."""
    now = _now(now)
    rows = (Invitation.objects.filter(manufacturer=manufacturer)
            .exclude(rfq__status=RFQStatus.DRAFT)
            .annotate(first_quote_at=Min("quotes__submitted_at"))
            .values_list("sent_at", "ack_deadline", "acknowledged_at", "replied_at",
                         "first_quote_at"))
    fig = reply_figures([InvitationEvents(*row) for row in rows], now=now)
    # One transaction (the deadline job calls this without one): the figure and its log row
    # in the directory's change log commit together, or neither does.
    with transaction.atomic():
        stats, _created = ReplyStats.objects.update_or_create(
            manufacturer=manufacturer, defaults={
                "ack_median_hours": fig.ack_median_hours, "ack_p90_hours": fig.ack_p90_hours,
                "quote_median_hours": fig.quote_median_hours,
                "quote_p90_hours": fig.quote_p90_hours, "response_rate": fig.response_rate,
                "invitations": len(rows), "answered": fig.answered})
        old = manufacturer.reply_median_hours
        # The matching index shows reply hours to one decimal: smaller moves do not rebuild it.
        if fig.ack_median_hours is not None and (old is None
                                                 or abs(old - fig.ack_median_hours) >= 0.05):
            Manufacturer.objects.filter(pk=manufacturer.pk).update(
                reply_median_hours=fig.ack_median_hours)
            manufacturer.reply_median_hours = fig.ack_median_hours
            directory_changed(ids=[manufacturer.pk])
    return stats
