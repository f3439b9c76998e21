"""Claim workflows: submit a claim with evidence, verify its e-mail, decide it; sign a
manufacturer up without creating a second profile of a listed firm.

Pool invitations (a coordinator invites many firms to claim) live in claims.pool.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.accounts.choices import MembershipRole, OrganisationKind
from shisaku.accounts.mail import absolute_url, language_for, mail_send
from shisaku.accounts.models import Membership, Organisation, User
from shisaku.accounts.selectors import coordinator_covers
from shisaku.accounts.services import LinkProblem, organisation_create, user_signup
from shisaku.claims.choices import (
    CLAIM_TRANSITIONS,
    OPEN_CLAIM_STATUSES,
    ClaimStatus,
    PoolInvitationStatus,
    RejectReason,
)
from shisaku.claims.evidence import email_on_domain, registration_number_check
from shisaku.claims.models import Claim, PoolInvitation
from shisaku.core.services import audit_record
from shisaku.core.transitions import transition_allowed
from shisaku.directory.models import Manufacturer
from shisaku.directory.services import manufacturer_create_for
from shisaku.errors import InputError

logger = logging.getLogger(__name__)
_EMAIL_SALT = "shisaku.claims.email"
EMAIL_LINK_DAYS = 3


def _mail_quietly(**kwargs: Any) -> None:
    """A decision stands even when its notice cannot be mailed (logged, not raised)."""
    try:
        mail_send(**kwargs)
    except Exception:
        logger.exception("claims: decision e-mail to %s failed", kwargs.get("to"))


def _set_status(claim: Claim, status: str) -> None:
    if not transition_allowed(CLAIM_TRANSITIONS, claim.status, status):
        raise InputError("status", _("This claim was decided already."))
    claim.status = status


def claim_url(manufacturer: Manufacturer) -> str:
    return reverse("claims:claim", args=[manufacturer.slug])


# --- submit ----------------------------------------------------------------------------------

def claim_submit(*, manufacturer: Manufacturer, user: User, registration_number: str = "",
                 email: str = "", via_contact_link: bool = False,
                 invitation: PoolInvitation | None = None) -> Claim:
    """Record ``user``'s claim to act for ``manufacturer`` with its evidence.

    Evidence is a registration number valid for the firm's country, and/or an e-mail address
    on the firm's web domain (a one-time link is sent to it), and/or ``via_contact_link``:
    the applicant followed a personal link sent to the firm's contact e-mail. A claim on a
    profile that has another open claim, or that an organisation manages already, is
    recorded for the coordinator to weigh against the other (``contested``).
    Raises InputError naming the field.
    """
    registration_number = registration_number.strip()
    email = email.strip()
    if not (registration_number or email or via_contact_link):
        raise InputError("registration_number",
                         _("Give the firm's registration number or an e-mail address on its "
                           "web domain."))
    number = (registration_number_check(number=registration_number,
                                        country=manufacturer.country)
              if registration_number else "")
    address = email_on_domain(email=email, website=manufacturer.website) if email else ""
    with transaction.atomic():
        firm = Manufacturer.objects.select_for_update().get(pk=manufacturer.pk)
        if firm.organisation_id and Membership.objects.filter(
                user=user, organisation_id=firm.organisation_id).exists():
            raise InputError("manufacturer", _("You manage this profile already."))
        if Claim.objects.filter(manufacturer=firm, applicant=user,
                                status__in=OPEN_CLAIM_STATUSES).exists():
            raise InputError("manufacturer", _("Your claim on this profile is waiting already."))
        others_open = Claim.objects.filter(manufacturer=firm,
                                           status__in=OPEN_CLAIM_STATUSES).exists()
        claim = Claim.objects.create(
            manufacturer=firm, applicant=user, registration_number=number, email=address,
            via_contact_link=via_contact_link, invitation=invitation,
            contested=bool(firm.organisation_id),
            status=(ClaimStatus.PENDING if (number or via_contact_link)
                    else ClaimStatus.AWAITING_EMAIL))
        audit_record(actor=user, action="claims.submit", obj=firm, summary=firm.name,
                     data={"claim": claim.pk, "registration_number": bool(number),
                           "email": bool(address), "via_contact_link": via_contact_link})
        if (via_contact_link and settings.SHISAKU_CLAIM_AUTO_APPROVE_CONTACT_LINK
                and not claim.contested and not others_open):
            claim_approve(claim=claim, actor=None,
                          note="automatic: came through the firm's contact e-mail")
    if address and claim.status in OPEN_CLAIM_STATUSES:
        claim_email_send(claim=claim)
    claim.refresh_from_db()
    return claim


def claim_email_token(claim: Claim) -> str:
    return signing.dumps({"c": claim.pk, "e": claim.email}, salt=_EMAIL_SALT)


def claim_email_send(*, claim: Claim) -> None:
    """(Re)send the one-time link that verifies the claim's e-mail address."""
    if not claim.email or claim.email_verified_at or claim.status not in OPEN_CLAIM_STATUSES:
        raise InputError("email", _("There is no e-mail address of this claim left to "
                                    "verify."))
    link = absolute_url(reverse("claims:verify", args=[claim_email_token(claim)]))
    mail_send(to=claim.email, template="claims/mail/verify_email",
              language=language_for(user=claim.applicant, country=claim.manufacturer.country),
              context={"claim": claim, "firm": claim.manufacturer, "verify_url": link,
                       "days": EMAIL_LINK_DAYS})


def claim_email_verify(*, token: str) -> Claim | LinkProblem:
    """Mark the claim's e-mail as verified (once). Returns why not: forged | expired | used |
    closed. A verified domain e-mail is approved at once when
    SHISAKU_CLAIM_AUTO_APPROVE_DOMAIN is on and nothing contests the claim."""
    try:
        data = signing.loads(token, salt=_EMAIL_SALT, max_age=EMAIL_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        return LinkProblem("expired")
    except signing.BadSignature:
        return LinkProblem("forged")
    with transaction.atomic():
        claim = (Claim.objects.select_for_update().select_related("manufacturer")
                 .filter(pk=data.get("c")).first())
        if claim is None or claim.email != data.get("e"):
            return LinkProblem("forged")
        if claim.email_verified_at is not None:
            return LinkProblem("used")
        if claim.status not in OPEN_CLAIM_STATUSES:
            return LinkProblem("closed")
        claim.email_verified_at = timezone.now()
        if claim.status == ClaimStatus.AWAITING_EMAIL:
            _set_status(claim, ClaimStatus.PENDING)
        claim.save(update_fields=["email_verified_at", "status"])
        audit_record(actor=claim.applicant, action="claims.email_verified",
                     obj=claim.manufacturer, summary=claim.email)
        others_open = (Claim.objects.filter(manufacturer=claim.manufacturer,
                                            status__in=OPEN_CLAIM_STATUSES)
                       .exclude(pk=claim.pk).exists())
        if (settings.SHISAKU_CLAIM_AUTO_APPROVE_DOMAIN and claim.manufacturer.website
                and not claim.contested and not others_open
                and claim.manufacturer.organisation_id is None):
            claim_approve(claim=claim, actor=None,
                          note="automatic: verified e-mail on the firm's web domain")
    claim.refresh_from_db()
    return claim


# --- decide ----------------------------------------------------------------------------------

def _require_reviewer(actor: Any, claim: Claim) -> None:
    firm = claim.manufacturer
    if actor is not None and not coordinator_covers(actor, country=firm.country,
                                                    block=firm.block):
        raise PermissionError("only a coordinator of the firm's region decides its claims")


def _organisation_for(claim: Claim) -> Organisation:
    """The applicant's own manufacturer organisation without a profile, else a new one."""
    own = (Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER,
                                       memberships__user=claim.applicant,
                                       memberships__role=MembershipRole.OWNER,
                                       manufacturer__isnull=True).order_by("id").first())
    if own is not None:
        return own
    firm = claim.manufacturer
    return organisation_create(name=firm.name, kind=OrganisationKind.MANUFACTURER,
                               country=firm.country, region=firm.region)


def claim_approve(*, claim: Claim, actor: Any, note: str = "") -> Claim:
    """Link the applicant's organisation to the profile and make them its admin; close the
    profile's other open claims ("another claim was approved") and its invitations."""
    _require_reviewer(actor, claim)
    notices: list[dict[str, Any]] = []
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("manufacturer").get(pk=claim.pk)
        firm = Manufacturer.objects.select_for_update().get(pk=claim.manufacturer_id)
        if firm.organisation_id is not None:
            raise InputError("claim", _("This profile is managed by an organisation already; "
                                        "staff can change that in the admin."))
        _set_status(claim, ClaimStatus.APPROVED)
        org = _organisation_for(claim)
        Membership.objects.update_or_create(user=claim.applicant, organisation=org,
                                            defaults={"role": MembershipRole.OWNER})
        firm.organisation = org
        firm.save(update_fields=["organisation"])
        now = timezone.now()
        claim.organisation = org
        claim.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        claim.decided_at = now
        claim.note = note[:500]
        claim.save()
        for other in (Claim.objects.select_for_update().select_related("applicant")
                      .filter(manufacturer=firm, status__in=OPEN_CLAIM_STATUSES)
                      .exclude(pk=claim.pk)):
            notices.append(_reject(other, actor=actor, reason=RejectReason.PROFILE_CLAIMED,
                                   note=""))
        PoolInvitation.objects.filter(
            manufacturer=firm,
            status__in=[PoolInvitationStatus.SENT, PoolInvitationStatus.OPENED,
                        PoolInvitationStatus.FAILED, PoolInvitationStatus.EXPIRED],
        ).update(status=PoolInvitationStatus.CLAIMED, claimed_at=now)
        audit_record(actor=actor, action="claims.approve", obj=firm, summary=firm.name,
                     data={"claim": claim.pk, "organisation": org.pk, "note": note})
    notices.append({
        "to": claim.applicant.email, "template": "claims/mail/decided",
        "language": language_for(user=claim.applicant, country=firm.country),
        "context": {"claim": claim, "firm": firm, "approved": True,
                    "edit_url": absolute_url(reverse("directory:edit", args=[firm.pk]))}})
    for notice in notices:
        _mail_quietly(**notice)
    return claim


def _reject(claim: Claim, *, actor: Any, reason: str, note: str) -> dict[str, Any]:
    """Record a rejection; returns the notice to mail once the transaction is over."""
    _set_status(claim, ClaimStatus.REJECTED)
    claim.reject_reason = reason
    claim.note = note[:500]
    claim.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    claim.decided_at = timezone.now()
    claim.save()
    audit_record(actor=actor, action="claims.reject", obj=claim.manufacturer,
                 summary=reason, data={"claim": claim.pk})
    return {"to": claim.applicant.email, "template": "claims/mail/decided",
            "language": language_for(user=claim.applicant, country=claim.manufacturer.country),
            "context": {"claim": claim, "firm": claim.manufacturer, "approved": False,
                        "reason": RejectReason(reason).label,
                        "claim_url": absolute_url(claim_url(claim.manufacturer))}}


def claim_reject(*, claim: Claim, actor: Any, reason: str, note: str = "") -> Claim:
    """A coordinator rejects a claim with a reason from the list (RejectReason)."""
    _require_reviewer(actor, claim)
    if reason not in RejectReason.values:
        raise InputError("reason", _("Choose a reason from the list."))
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related(
            "manufacturer", "applicant").get(pk=claim.pk)
        notice = _reject(claim, actor=actor, reason=reason, note=note)
    _mail_quietly(**notice)
    return claim


def claim_withdraw(*, claim: Claim, user: User) -> Claim:
    if claim.applicant_id != user.pk:
        raise PermissionError("only the applicant withdraws a claim")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        _set_status(claim, ClaimStatus.WITHDRAWN)
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "decided_at"])
        audit_record(actor=user, action="claims.withdraw", obj=claim.manufacturer)
    return claim


# --- sign-up ---------------------------------------------------------------------------------

def manufacturer_signup(*, username: str, email: str, password: str, organisation_name: str,
                        country: str, region: str = "", claim_slug: str = "",
                        via_token: str = "", language: str = "") -> User | None:
    """Sign a manufacturer up (accounts.user_signup: confirmation link, no e-mail enumeration).

    Without ``claim_slug`` the firm gets its own new profile (the caller has checked the
    directory for it first: selectors.manufacturers_like). With ``claim_slug`` no profile and
    no organisation are created: the confirmation link leads to that profile's claim page,
    and approval links an organisation to it.
    """
    if claim_slug:
        next_url = reverse("claims:claim", args=[claim_slug])
        if via_token:
            from urllib.parse import urlencode

            next_url += "?" + urlencode({"via": via_token})
        return user_signup(username=username, email=email, password=password,
                           next_url=next_url, language=language)
    with transaction.atomic():
        user = user_signup(username=username, email=email, password=password,
                           organisation_name=organisation_name,
                           organisation_kind=OrganisationKind.MANUFACTURER,
                           country=country, region=region, language=language)
        if user is not None:
            org = user.memberships.get().organisation
            manufacturer_create_for(organisation=org)
    return user
