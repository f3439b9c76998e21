"""Answer without an account: who can be reached, the personal link of an RFQ invitation to a
firm that has a contact e-mail but no members, and the e-mails that reach such a firm.

A link opens one invitation until the RFQ is no longer open (closed, awarded, cancelled, past
its quote deadline) or the link is revoked (the startup or the project's coordinator may
revoke it and issue a new one). Everything the firm does through it goes through the same
services as a member's action, with a :class:`~shisaku.core.links.LinkActor` as the actor:
the audit trail records ``via: link``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shisaku.accounts.models import Membership
from shisaku.core.links import (
    EXPIRED,
    FORGED,
    REVOKED,
    USED,
    LinkActor,
    LinkRefused,
    token_make,
    token_read,
)
from shisaku.core.services import audit_record
from shisaku.directory.models import Manufacturer
from shisaku.errors import InputError
from shisaku.notifications.kinds import kind_get
from shisaku.notifications.services import members_of, notification_send
from shisaku.rfq.choices import InvitationStatus, RFQStatus
from shisaku.rfq.models import Invitation, InvitationLink

__all__ = [
    "KIND",
    "answers_by_link",
    "claim_path",
    "claim_url_for_link",
    "firm_language",
    "invitation_link_issue",
    "invitation_link_open",
    "invitation_link_revoke",
    "link_actor",
    "live_link",
    "mail_firm",
    "reachability",
    "reachable_q",
    "site_url",
    "tell_firm",
]

KIND = "rfq"
logger = logging.getLogger(__name__)
LANGUAGE_OF_COUNTRY = {"KR": "ko", "JP": "ja"}


# --- who can be reached -------------------------------------------------------------------

def reachable_q(prefix: str = "") -> Q:
    """Firms that can answer a request: an active member on Shisaku, or a contact e-mail for a
    personal link (the same rule as :func:`answers_by_link` and :func:`reachability`)."""
    return (Q(**{f"{prefix}organisation__memberships__user__is_active": True})
            | ~Q(**{f"{prefix}contact_email": ""}))


def _has_members(firm: Manufacturer) -> bool:
    return bool(firm.organisation_id) and Membership.objects.filter(
        organisation_id=firm.organisation_id, user__is_active=True).exists()


def answers_by_link(firm: Manufacturer) -> bool:
    """Whether the firm answers by e-mailed link: no active member, a contact e-mail."""
    return bool(firm.contact_email) and not _has_members(firm)


def reachability(firms: list[Manufacturer]) -> dict[int, str]:
    """Firm id -> "account" (has members), "link" (contact e-mail only) or "" (neither)."""
    ids = [f.pk for f in firms]
    with_members = set(Manufacturer.objects.filter(
        pk__in=ids, organisation__memberships__user__is_active=True)
        .values_list("pk", flat=True))
    return {f.pk: "account" if f.pk in with_members else ("link" if f.contact_email else "")
            for f in firms}


def firm_language(firm: Manufacturer) -> str:
    """The language of e-mails to a firm without members: its country's, else English."""
    return LANGUAGE_OF_COUNTRY.get(firm.country, "en")


def site_url(path: str) -> str:
    """An absolute address on this deployment (``SHISAKU_SITE_URL``) for e-mails."""
    base = str(getattr(settings, "SHISAKU_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}{path}"


def claim_path(firm: Manufacturer) -> str:
    """Whether the firm may claim its profile from a portal: "" when the profile is managed
    already (or has no contact e-mail), else its claim page."""
    if firm.organisation_id is not None or not firm.contact_email:
        return ""
    return reverse("claims:claim", args=[firm.slug])


def claim_url_for_link(firm: Manufacturer) -> str:
    """The claim page with the proof that the visitor followed a link mailed to the firm's
    contact e-mail (``claims.pool.pool_invitation_for_contact_link``): the claim is then
    submitted with ``via_contact_link=True``. "" when the profile cannot be claimed."""
    from urllib.parse import urlencode

    from shisaku.claims.pool import pool_invitation_for_contact_link

    token = pool_invitation_for_contact_link(manufacturer=firm)
    if not token:
        return ""
    return f"{reverse('claims:claim', args=[firm.slug])}?{urlencode({'via': token})}"


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def mail_firm(firm: Manufacturer, address: str, subject: Callable[[], str],
              body: Callable[[], str], *,
              on_error: Callable[[str], None] | None = None) -> None:
    """E-mail a firm's contact address in its language, after the transaction commits. One
    attempt: a failure is logged and handed to ``on_error`` (never retried in a loop)."""
    with translation.override(firm_language(firm)):
        subject_text, body_text = str(subject()), str(body())

    def send() -> None:
        try:
            send_mail(subject=f"[Shisaku] {subject_text}"[:150], message=body_text,
                      from_email=None, recipient_list=[address])
        except Exception as exc:  # any backend failure: record it, do not break the request
            logger.warning("mail to a firm's contact address failed: %s", exc)
            if on_error is not None:
                on_error(f"{type(exc).__name__}: {exc}"[:300])
    transaction.on_commit(send)


def tell_firm(*, invitation: Invitation, kind: str, url: str, params: dict[str, Any],
              exclude: Any = None) -> None:
    """Tell the invited firm: its members by notification (each in their language), or (a firm
    that answers by link) its contact address by e-mail in the firm's language, pointing to
    the link it already has."""
    firm = invitation.manufacturer
    users = members_of(firm.organisation)
    if users:
        notification_send(users=users, kind=kind, url=url, params=params, exclude=exclude)
        return
    found = kind_get(kind)
    if found is None or not firm.contact_email or not invitation.links.exists():
        return

    def text() -> str:
        return str(found.text(params))

    def body() -> str:
        return "\n\n".join([text(), _(
            "Open your invitation with the personal link of our first e-mail about this "
            "request. If you no longer have it, reply to the startup or ask the coordinator "
            "of the project for a new one.")])
    mail_firm(firm, firm.contact_email, lambda: text()[:120], body)


# --- the link -----------------------------------------------------------------------------

def live_link(invitation: Invitation) -> InvitationLink | None:
    return invitation.links.filter(revoked_at__isnull=True).order_by("-created_at").first()


def _revoke_live(invitation: Invitation, actor: Any, now: dt.datetime) -> list[int]:
    live = list(invitation.links.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    InvitationLink.objects.filter(pk__in=live).update(
        revoked_at=now, revoked_by=actor if getattr(actor, "is_authenticated", False) else None)
    return live


def invitation_link_issue(*, actor: Any, invitation: Invitation,
                          now: dt.datetime | None = None) -> tuple[InvitationLink, str]:
    """A new personal link for ``invitation`` (any live one is revoked), e-mailed to the firm's
    contact address. Returns the link row and its token (the token is not stored)."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_related(  # the live state, not the caller's copy
        "rfq", "rfq__project", "rfq__project__organisation", "manufacturer").get(
        pk=invitation.pk)
    firm = invitation.manufacturer
    if not firm.contact_email:
        raise InputError("manufacturer", _("this firm has no contact e-mail to send a link to"))
    if _has_members(firm):
        raise InputError("manufacturer", _("this firm answers from its account on Shisaku"))
    rfq = invitation.rfq
    if rfq.status != RFQStatus.SENT or invitation.status == InvitationStatus.DECLINED:
        raise InputError("invitation", _("the invitation is no longer open"))
    token, digest = token_make(KIND)
    with transaction.atomic():
        replaced = _revoke_live(invitation, actor, now)
        link = InvitationLink.objects.create(
            invitation=invitation, nonce_hash=digest, email=firm.contact_email,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(actor=actor, action="rfq.link.issue", obj=invitation,
                     summary=firm.name, data={"link": link.pk, "replaces": replaced})
        _mail_invitation(invitation, token, link.pk)
    return link, token


def _mail_invitation(invitation: Invitation, token: str, link_id: int) -> None:
    rfq, firm = invitation.rfq, invitation.manufacturer
    url = site_url(reverse("rfq:portal", args=[token]))

    def subject() -> str:
        return _("Request for quotation: %(title)s") % {"title": rfq.title}

    def body() -> str:
        lines = [
            _("%(startup)s invites %(firm)s to quote for \"%(title)s\" on Shisaku.") % {
                "startup": rfq.project.organisation.name, "firm": firm.name,
                "title": rfq.title},
            _("Quantities: %(tiers)s. Please acknowledge by %(ack)s and quote by %(quote)s.")
            % {"tiers": " / ".join(str(t) for t in rfq.quantity_tiers),
               "ack": _local(invitation.ack_deadline),
               "quote": _local(invitation.quote_deadline)},
            _("Open the request, ask questions, quote or decline (no account needed):"),
            url,
            _("This link is personal to your firm and this request; please do not forward "
              "it. It expires when the request closes."),
        ]
        return "\n\n".join(lines)
    mail_firm(firm, firm.contact_email, subject, body,
              on_error=lambda error: InvitationLink.objects.filter(pk=link_id).update(
                  mail_error=error))


def invitation_link_revoke(*, actor: Any, invitation: Invitation,
                           now: dt.datetime | None = None) -> int:
    """Revoke the invitation's live link(s); returns how many. The firm's answers so far
    stay."""
    now = now or timezone.now()
    with transaction.atomic():
        revoked = _revoke_live(invitation, actor, now)
        if revoked:
            audit_record(actor=actor, action="rfq.link.revoke", obj=invitation,
                         summary=invitation.manufacturer.name, data={"links": revoked})
    return len(revoked)


def _refusal_context(link: InvitationLink) -> dict[str, Any]:
    inv = link.invitation
    project = inv.rfq.project
    return {"firm": inv.manufacturer.name, "title": inv.rfq.title,
            "startup": project.organisation.name,
            "coordinator": project.coordinator.name if project.coordinator_id else "",
            "rfq_status": inv.rfq.status,
            "won": inv.quotes.filter(status="awarded").exists()}


def invitation_link_open(*, token: str, now: dt.datetime | None = None) -> InvitationLink:
    """The link a token opens, with its invitation, RFQ and firm loaded; :class:`LinkRefused`
    when it is forged (bad signature or unknown), revoked, expired (the RFQ is no longer open
    for quotes) or used up (the firm declined: the invitation is closed)."""
    now = now or timezone.now()
    digest = token_read(KIND, token)
    link = (InvitationLink.objects.select_related(
        "invitation", "invitation__rfq", "invitation__rfq__project",
        "invitation__rfq__project__organisation", "invitation__rfq__project__coordinator",
        "invitation__manufacturer").filter(nonce_hash=digest).first())
    if link is None:
        raise LinkRefused(FORGED, "this link is not one we sent (forged or mistyped)")
    inv, rfq = link.invitation, link.invitation.rfq
    if link.revoked_at is not None:
        raise LinkRefused(REVOKED, "this link was revoked", context=_refusal_context(link))
    if (rfq.status != RFQStatus.SENT or rfq.quote_deadline <= now
            or rfq.project.deleted_at is not None):
        raise LinkRefused(EXPIRED, "the request is no longer open, so this link has expired",
                          context=_refusal_context(link))
    if inv.status == InvitationStatus.DECLINED:
        raise LinkRefused(USED, "your firm declined this request; the link is used up",
                          context=_refusal_context(link))
    if link.last_used_at is None or now - link.last_used_at > dt.timedelta(minutes=5):
        InvitationLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link


def link_actor(link: InvitationLink) -> LinkActor:
    return LinkActor(manufacturer_id=link.invitation.manufacturer_id, link_kind=KIND,
                     link_id=link.pk)
