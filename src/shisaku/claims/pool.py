"""Claim invitations to a pool of firms: a coordinator selects firms (a directory filter or
an import batch) and each one with a contact e-mail gets a personal link to claim its profile.

States (choices.PoolInvitationStatus): sent -> opened (link visited) -> claimed; failed (the
mail backend raised); bounced (marked by the coordinator or `shisaku manage claims_bounce`);
expired (link older than SHISAKU_CLAIM_INVITATION_DAYS). A bounced address is never written to
again, and nothing here resends by itself: every send is one coordinator action.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.accounts.mail import absolute_url, language_for, mail_send
from shisaku.accounts.selectors import coordinator_covers
from shisaku.accounts.services import LinkProblem
from shisaku.claims.choices import (
    POOL_INVITATION_TRANSITIONS,
    RESENDABLE,
    PoolInvitationStatus,
)
from shisaku.claims.models import PoolInvitation
from shisaku.core.services import audit_record
from shisaku.core.transitions import transition_allowed
from shisaku.directory.models import Manufacturer
from shisaku.errors import InputError

logger = logging.getLogger(__name__)
_SALT = "shisaku.claims.pool-invitation"
# "Resend" waits this long after the last send of the same invitation (a double click, or
# "resend all" pressed twice, never mails a firm twice in a row).
RESEND_PAUSE = dt.timedelta(hours=1)

# Why a selected firm got no invitation (codes; the page translates them).
SKIP_NO_CONTACT = "no_contact_email"
SKIP_CLAIMED = "claimed"
SKIP_NOT_COVERED = "not_covered"
SKIP_BOUNCED = "bounced"
SKIP_INVITED = "invited"


@dataclass
class PoolSendResult:
    sent: list[PoolInvitation] = field(default_factory=list)
    failed: list[PoolInvitation] = field(default_factory=list)
    skipped: list[tuple[Manufacturer, str]] = field(default_factory=list)


def pool_invitation_token(invitation: PoolInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_SALT)


def _set_status(invitation: PoolInvitation, status: str) -> None:
    if not transition_allowed(POOL_INVITATION_TRANSITIONS, invitation.status, status):
        raise InputError("status", _("This invitation cannot go from %(old)s to %(new)s.")
                         % {"old": invitation.get_status_display(),
                            "new": PoolInvitationStatus(status).label})
    invitation.status = status


def _deliver(invitation: PoolInvitation, *, actor: Any) -> None:
    """Draw a new link, mail it, record sent or failed. One attempt, never a retry loop."""
    now = timezone.now()
    invitation.nonce = secrets.token_hex(8)
    invitation.last_sent_at = now
    invitation.send_count += 1
    invitation.expires_at = now + dt.timedelta(days=settings.SHISAKU_CLAIM_INVITATION_DAYS)
    firm = invitation.manufacturer
    link = absolute_url(reverse("claims:invitation", args=[pool_invitation_token(invitation)]))
    try:
        mail_send(to=invitation.email, template="claims/mail/pool_invitation",
                  language=language_for(country=firm.country),
                  context={"firm": firm, "invite_url": link,
                           "days": settings.SHISAKU_CLAIM_INVITATION_DAYS})
    except Exception as exc:
        logger.warning("claim invitation to %s failed: %s", invitation.email, exc)
        _set_status(invitation, PoolInvitationStatus.FAILED)
        invitation.error = f"{type(exc).__name__}: {exc}"[:300]
    else:
        _set_status(invitation, PoolInvitationStatus.SENT)
        invitation.error = ""
        invitation.opened_at = None
    invitation.save()
    audit_record(actor=actor, action=f"claims.invitation_{invitation.status}", obj=firm,
                 summary=invitation.email)


def pool_invitations_send(*, manufacturers: Iterable[Manufacturer], actor: Any) -> PoolSendResult:
    """Invite every selected firm that has a contact e-mail, no managing organisation, no
    open invitation and no bounce at that address; list the others as skipped with why."""
    result = PoolSendResult()
    for firm in manufacturers:
        reason = _skip_reason(firm, actor)
        if reason:
            result.skipped.append((firm, reason))
            continue
        with transaction.atomic():
            invitation = PoolInvitation(manufacturer=firm, email=firm.contact_email.strip().lower(),
                                        sent_by=actor if actor and actor.is_authenticated
                                        else None)
            invitation.status = PoolInvitationStatus.SENT
            invitation.nonce = secrets.token_hex(8)
            invitation.save()  # the link names the invitation's id
            _deliver(invitation, actor=actor)
        (result.sent if invitation.status == PoolInvitationStatus.SENT
         else result.failed).append(invitation)
    return result


def _skip_reason(firm: Manufacturer, actor: Any) -> str:
    if not coordinator_covers(actor, country=firm.country, block=firm.block):
        return SKIP_NOT_COVERED
    if firm.organisation_id is not None:
        return SKIP_CLAIMED
    email = (firm.contact_email or "").strip().lower()
    if not email:
        return SKIP_NO_CONTACT
    earlier = PoolInvitation.objects.filter(manufacturer=firm)
    if earlier.filter(status=PoolInvitationStatus.BOUNCED, email=email).exists():
        return SKIP_BOUNCED
    if earlier.exclude(status__in=[PoolInvitationStatus.BOUNCED]).exists():
        return SKIP_INVITED  # the pool page resends an existing invitation instead
    return ""


def pool_invitation_resend(*, invitation: PoolInvitation, actor: Any) -> PoolInvitation:
    """Send one invitation again with a fresh link (the older link stops working)."""
    firm = invitation.manufacturer
    if not coordinator_covers(actor, country=firm.country, block=firm.block):
        raise PermissionError("only a coordinator of the firm's region invites it")
    with transaction.atomic():
        invitation = (PoolInvitation.objects.select_for_update().select_related("manufacturer")
                      .get(pk=invitation.pk))
        if invitation.status not in RESENDABLE:
            raise InputError("invitation", _("A %(status)s invitation is not sent again.")
                             % {"status": invitation.get_status_display()})
        if (invitation.last_sent_at
                and timezone.now() - invitation.last_sent_at < RESEND_PAUSE):
            raise InputError("invitation", _("This invitation was sent less than an hour ago."))
        _deliver(invitation, actor=actor)
    return invitation


def pool_invitations_resend_all(*, invitations: Iterable[PoolInvitation],
                                actor: Any) -> tuple[int, int]:
    """Resend each eligible invitation once (never bounced or claimed ones, none sent within
    the last hour). Returns (sent, failed)."""
    sent = failed = 0
    cutoff = timezone.now() - RESEND_PAUSE
    for invitation in invitations:
        if invitation.status not in RESENDABLE or (invitation.last_sent_at
                                                   and invitation.last_sent_at > cutoff):
            continue
        done = pool_invitation_resend(invitation=invitation, actor=actor)
        if done.status == PoolInvitationStatus.SENT:
            sent += 1
        else:
            failed += 1
    return sent, failed


def pool_invitation_bounce(*, invitation: PoolInvitation, actor: Any = None) -> PoolInvitation:
    """Mark an invitation's address as bouncing: it is never mailed again."""
    with transaction.atomic():
        invitation = PoolInvitation.objects.select_for_update().get(pk=invitation.pk)
        _set_status(invitation, PoolInvitationStatus.BOUNCED)
        invitation.bounced_at = timezone.now()
        invitation.save(update_fields=["status", "bounced_at"])
        audit_record(actor=actor, action="claims.invitation_bounced",
                     obj=invitation.manufacturer, summary=invitation.email)
    return invitation


def pool_bounces_record(*, email: str) -> int:
    """The management hook for a mail system's bounce reports: every open invitation to
    ``email`` becomes bounced. Returns how many changed."""
    changed = 0
    for invitation in PoolInvitation.objects.filter(email__iexact=email.strip()):
        if transition_allowed(POOL_INVITATION_TRANSITIONS, invitation.status,
                              PoolInvitationStatus.BOUNCED):
            pool_invitation_bounce(invitation=invitation)
            changed += 1
    return changed


def pool_invitations_expire() -> int:
    """Sent or opened invitations whose link is past its date become expired."""
    return PoolInvitation.objects.filter(
        status__in=[PoolInvitationStatus.SENT, PoolInvitationStatus.OPENED],
        expires_at__lt=timezone.now()).update(status=PoolInvitationStatus.EXPIRED)


def pool_invitation_read(*, token: str) -> PoolInvitation | LinkProblem:
    """The invitation behind a link, or why it cannot be used: forged | replaced (a newer link
    was sent) | expired | used (the profile was claimed) | bounced."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return LinkProblem("forged")
    invitation = (PoolInvitation.objects.select_related("manufacturer")
                  .filter(pk=data.get("i")).first())
    if invitation is None:
        return LinkProblem("forged")
    if invitation.nonce != data.get("n"):
        return LinkProblem("replaced")
    if invitation.status == PoolInvitationStatus.CLAIMED:
        return LinkProblem("used")
    if invitation.status == PoolInvitationStatus.BOUNCED:
        return LinkProblem("bounced")
    if invitation.status == PoolInvitationStatus.EXPIRED or (
            invitation.expires_at and invitation.expires_at < timezone.now()):
        return LinkProblem("expired")
    return invitation


def pool_invitation_open(*, invitation: PoolInvitation) -> None:
    """The firm followed its link: sent -> opened (later visits change nothing)."""
    if invitation.status == PoolInvitationStatus.SENT:
        PoolInvitation.objects.filter(pk=invitation.pk, status=invitation.status).update(
            status=PoolInvitationStatus.OPENED, opened_at=timezone.now())


def pool_invitation_for_contact_link(*, manufacturer: Manufacturer) -> str:
    """The claim-page token (``?via=``) for a firm that just followed a personal link mailed to
    its contact e-mail (an RFQ or consortium invitation of ``rfq.links`` /
    ``consortia.links``): the link proves control of that address as a pool invitation does,
    so its claim is submitted with ``via_contact_link=True``. Reuses the firm's open
    invitation to that address, else records one as opened (nothing is mailed). "" when the
    profile is managed already or the firm has no contact e-mail."""
    email = (manufacturer.contact_email or "").strip().lower()
    if manufacturer.organisation_id is not None or not email:
        return ""
    now = timezone.now()
    with transaction.atomic():
        invitation = (PoolInvitation.objects.select_for_update()
                      .filter(manufacturer=manufacturer, email=email,
                              status__in=[PoolInvitationStatus.SENT, PoolInvitationStatus.OPENED],
                              expires_at__gt=now).order_by("-id").first())
        if invitation is None:
            invitation = PoolInvitation.objects.create(
                manufacturer=manufacturer, email=email, status=PoolInvitationStatus.OPENED,
                nonce=secrets.token_hex(8), last_sent_at=now, opened_at=now,
                expires_at=now + dt.timedelta(days=settings.SHISAKU_CLAIM_INVITATION_DAYS))
            audit_record(actor=None, action="claims.invitation_contact_link", obj=manufacturer,
                         summary=email)
    return pool_invitation_token(invitation)
