"""Consortium invitations for firms without an account: the personal link e-mailed to a
firm's contact address when the coordinator invites the team (or a re-plan invites it), its
portal (accept or decline the work, through ``services.member_respond``), revoke / re-issue by
the coordinator.

A link opens one firm's slots in one consortium while the consortium is inviting; it expires
when the consortium is formed or fails, and is used up once the firm has answered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.consortia.choices import LEAD, ConsortiumStatus, MemberState
from shisaku.consortia.models import Consortium, ConsortiumMember, MemberLink
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
from shisaku.rfq.links import answers_by_link, mail_firm, site_url

__all__ = [
    "KIND",
    "link_actor",
    "member_link_issue",
    "member_link_open",
    "member_link_revoke",
    "member_links_send",
    "slots_of",
]

KIND = "consortium"


def slots_of(consortium: Consortium, manufacturer_id: int) -> list[ConsortiumMember]:
    """The firm's open slots (invited or accepted) in the consortium."""
    return list(consortium.members.filter(
        manufacturer_id=manufacturer_id,
        state__in=[MemberState.INVITED, MemberState.ACCEPTED]).order_by("id"))


def _revoke_live(consortium: Consortium, manufacturer_id: int, actor: Any,
                 now: dt.datetime) -> list[int]:
    live = list(MemberLink.objects.filter(consortium=consortium, manufacturer_id=manufacturer_id,
                                          revoked_at__isnull=True).values_list("pk", flat=True))
    MemberLink.objects.filter(pk__in=live).update(
        revoked_at=now, revoked_by=actor if getattr(actor, "is_authenticated", False) else None)
    return live


def member_link_issue(*, actor: Any, consortium: Consortium, manufacturer: Manufacturer,
                      now: dt.datetime | None = None) -> tuple[MemberLink, str]:
    """A new personal link for the firm's open invitation in ``consortium`` (a live one is
    revoked), e-mailed to its contact address. Returns the link and its token."""
    now = now or timezone.now()
    consortium = Consortium.objects.select_related("project", "coordinator").get(
        pk=consortium.pk)
    if not answers_by_link(manufacturer):
        raise InputError("manufacturer", _("this firm answers from its account on Shisaku, "
                                           "or has no contact e-mail"))
    if consortium.status != ConsortiumStatus.INVITING or not any(
            m.state == MemberState.INVITED for m in slots_of(consortium, manufacturer.pk)):
        raise InputError("consortium", _("the firm has no open invitation to answer"))
    token, digest = token_make(KIND)
    with transaction.atomic():
        replaced = _revoke_live(consortium, manufacturer.pk, actor, now)
        link = MemberLink.objects.create(
            consortium=consortium, manufacturer=manufacturer, nonce_hash=digest,
            email=manufacturer.contact_email,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(actor=actor, action="consortia.link.issue", obj=consortium,
                     summary=manufacturer.name,
                     data={"link": link.pk, "manufacturer": manufacturer.pk,
                           "replaces": replaced})
        _mail_invitation(consortium, manufacturer, token, link.pk)
    return link, token


def _mail_invitation(consortium: Consortium, firm: Manufacturer, token: str,
                     link_id: int) -> None:
    url = site_url(reverse("consortia:portal", args=[token]))
    names = consortium.package_names()
    slots = [str(_("Lead (integrator)")) if m.package_id == LEAD
             else str(names.get(m.package_id, m.package_id))
             for m in slots_of(consortium, firm.pk)]

    def subject() -> str:
        return _("Invitation to a joint order: %(project)s") % {
            "project": consortium.project.title}

    def body() -> str:
        lines = [
            _("%(coordinator)s invites %(firm)s to join a consortium of manufacturers for "
              "\"%(project)s\": %(work)s.") % {
                "coordinator": consortium.coordinator.name, "firm": firm.name,
                "project": consortium.project.title, "work": ", ".join(slots)},
            _("Accept or decline the work (no account needed):"), url,
            _("This link is personal to your firm; please do not forward it. It expires when "
              "the consortium is formed or cancelled."),
        ]
        return "\n\n".join(lines)
    mail_firm(firm, firm.contact_email, subject, body,
              on_error=lambda error: MemberLink.objects.filter(pk=link_id).update(
                  mail_error=error))


def member_links_send(*, actor: Any, consortium: Consortium) -> int:
    """Send a link to every firm invited to the consortium that answers by link and has no
    live link yet (after the team is invited, and after a re-plan invites new firms)."""
    if consortium.status != ConsortiumStatus.INVITING:
        return 0
    sent = 0
    invited = (consortium.members.filter(state=MemberState.INVITED)
               .select_related("manufacturer").order_by("id"))
    linked = set(MemberLink.objects.filter(consortium=consortium, revoked_at__isnull=True)
                 .values_list("manufacturer_id", flat=True))
    for firm in {m.manufacturer_id: m.manufacturer for m in invited}.values():
        if firm.pk not in linked and answers_by_link(firm):
            member_link_issue(actor=actor, consortium=consortium, manufacturer=firm)
            sent += 1
    return sent


def member_link_revoke(*, actor: Any, consortium: Consortium, manufacturer_id: int,
                       now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        revoked = _revoke_live(consortium, manufacturer_id, actor, now)
        if revoked:
            audit_record(actor=actor, action="consortia.link.revoke", obj=consortium,
                         data={"links": revoked, "manufacturer": manufacturer_id})
    return len(revoked)


def _context(link: MemberLink) -> dict[str, Any]:
    consortium = link.consortium
    return {"firm": link.manufacturer.name, "title": consortium.project.title,
            "coordinator": consortium.coordinator.name, "startup": "",
            "consortium_status": consortium.status}


def member_link_open(*, token: str, now: dt.datetime | None = None,
                     for_answer: bool = False) -> MemberLink:
    """The link a token opens; :class:`LinkRefused` when forged, revoked, expired (the
    consortium is no longer inviting, or the firm's slots were released) or, for an answer,
    used up (the firm already answered)."""
    now = now or timezone.now()
    digest = token_read(KIND, token)
    link = (MemberLink.objects.select_related("consortium", "consortium__project",
                                              "consortium__coordinator", "manufacturer")
            .filter(nonce_hash=digest).first())
    if link is None:
        raise LinkRefused(FORGED, "this link is not one we sent (forged or mistyped)")
    if link.revoked_at is not None:
        raise LinkRefused(REVOKED, "this link was revoked", context=_context(link))
    consortium = link.consortium
    slots = slots_of(consortium, link.manufacturer_id)
    if (consortium.status != ConsortiumStatus.INVITING or not slots
            or consortium.project.deleted_at is not None):
        raise LinkRefused(EXPIRED, "the consortium is no longer inviting, so this link has "
                                   "expired", context=_context(link))
    if for_answer and not any(m.state == MemberState.INVITED for m in slots):
        raise LinkRefused(USED, "your firm has already answered; the link is used up",
                          context=_context(link))
    if link.last_used_at is None or now - link.last_used_at > dt.timedelta(minutes=5):
        MemberLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link


def link_actor(link: MemberLink) -> LinkActor:
    return LinkActor(manufacturer_id=link.manufacturer_id, link_kind=KIND, link_id=link.pk)
