"""Account workflows: sign-up with a confirmed e-mail address, and an organisation's team.

Sign-up never tells whether an e-mail address is registered: a new address gets a
confirmation link, a registered one gets a note ("you already have an account") instead, and
the page answers the same in both cases. Team invitations are signed, single-use links; an
organisation always keeps at least one admin (stored role "owner").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shisaku.accounts.choices import (
    TEAM_INVITATION_TRANSITIONS,
    MembershipRole,
    OrganisationKind,
    TeamInvitationStatus,
)
from shisaku.accounts.mail import absolute_url, language_for, mail_send
from shisaku.accounts.models import Membership, Organisation, TeamInvitation, User
from shisaku.core.services import audit_record
from shisaku.core.transitions import transition_allowed
from shisaku.errors import InputError

_TEAM_SALT = "shisaku.accounts.team-invitation"


def organisation_create(*, name: str, kind: str, country: str = "", region: str = "") -> Organisation:
    """A new organisation with a unique slug derived from its name."""
    base = slugify(name, allow_unicode=True)[:100] or kind
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Organisation.objects.create(name=name, kind=kind, slug=slug, country=country,
                                       region=region)


# --- sign-up ---------------------------------------------------------------------------------

def _confirm_link(user: User, next_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:signup_confirm", args=[uid, token])
    if next_url:
        from urllib.parse import urlencode

        path += "?" + urlencode({"next": next_url})
    return absolute_url(path)


def user_signup(*, username: str, email: str, password: str, organisation_name: str = "",
                organisation_kind: str = "", country: str = "", region: str = "",
                next_url: str = "", language: str = "") -> User | None:
    """Register a person (inactive until they follow the e-mailed link) and, when
    ``organisation_name`` is given, their organisation with them as its admin.

    When ``email`` already belongs to an account nothing is created: that address receives a
    note instead, and the caller answers exactly as for a new address (returns None).
    Coordinators never sign up on their own (InputError).
    """
    email = email.strip().lower()
    if organisation_kind and organisation_kind not in (OrganisationKind.STARTUP,
                                                       OrganisationKind.MANUFACTURER):
        raise InputError("organisation_kind",
                         _("Coordinator accounts are created by the platform's staff or by "
                           "invitation from a coordinator organisation."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and not existing.is_active and existing.last_login is None:
        # Signed up before but never confirmed (the mail was lost): a fresh link, same answer.
        mail_send(to=existing.email, template="accounts/mail/signup_confirm",
                  language=language_for(user=existing),
                  context={"user": existing, "confirm_url": _confirm_link(existing, next_url)})
        return None
    if existing is not None:
        mail_send(to=existing.email, template="accounts/mail/signup_exists",
                  language=language_for(user=existing) if existing.preferred_language
                  else (language or settings.LANGUAGE_CODE),
                  context={"user": existing,
                           "login_url": absolute_url(reverse("accounts:login")),
                           "reset_url": absolute_url(reverse("accounts:password_reset"))})
        audit_record(actor=None, action="accounts.signup_existing_email", obj=existing)
        return None
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password,
                                        is_active=False, preferred_language=language)
        if organisation_name:
            org = organisation_create(name=organisation_name, kind=organisation_kind,
                                      country=country, region=region)
            Membership.objects.create(user=user, organisation=org, role=MembershipRole.OWNER)
            audit_record(actor=user, action="accounts.signup", obj=org, summary=org.name)
        else:
            audit_record(actor=user, action="accounts.signup", obj=user, summary=username)
    mail_send(to=user.email, template="accounts/mail/signup_confirm",
              language=language_for(user=user),
              context={"user": user, "confirm_url": _confirm_link(user, next_url)})
    return user


def signup_confirm(*, uidb64: str, token: str) -> User:
    """Activate the account behind a confirmation link; InputError when the link is not valid
    (forged, expired, or used already: the token changes once the account has logged in)."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise InputError("token", _("This confirmation link is not valid.")) from None
    if not default_token_generator.check_token(user, token):
        raise InputError("token", _("This confirmation link has expired or was used "
                                    "already."))
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=user, action="accounts.signup_confirm", obj=user)
    return user


# --- teams -----------------------------------------------------------------------------------

def is_admin(*, user: Any, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation,
                                     role=MembershipRole.OWNER).exists()


def _require_admin(actor: Any, organisation: Organisation) -> None:
    if not is_admin(user=actor, organisation=organisation):
        raise PermissionError("only an admin of the organisation manages its team")


def team_invitation_token(invitation: TeamInvitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=_TEAM_SALT)


def team_invite(*, organisation: Organisation, actor: User, email: str,
                role: str = MembershipRole.MEMBER) -> TeamInvitation:
    """An admin invites a colleague by e-mail; the link lets them sign up or log in to join."""
    _require_admin(actor, organisation)
    email = email.strip().lower()
    if role not in MembershipRole.values:
        raise InputError("role", _("Choose admin or member."))
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise InputError("email", _("This person is a member already."))
    invitation = TeamInvitation.objects.create(organisation=organisation, email=email, role=role,
                                               invited_by=actor)
    link = absolute_url(reverse("accounts:team_join", args=[team_invitation_token(invitation)]))
    recipient = User.objects.filter(email__iexact=email).first()
    mail_send(to=email, template="accounts/mail/team_invitation",
              language=language_for(user=recipient or actor, country=organisation.country),
              context={"invitation": invitation, "organisation": organisation,
                       "inviter": actor, "join_url": link,
                       "days": settings.SHISAKU_TEAM_INVITATION_DAYS})
    audit_record(actor=actor, action="accounts.team_invite", obj=organisation,
                 summary=f"{email} as {role}")
    return invitation


@dataclass(frozen=True)
class LinkProblem:
    """Why a link cannot be used: ``code`` is forged | expired | used | revoked."""

    code: str


def team_invitation_read(*, token: str) -> TeamInvitation | LinkProblem:
    """The pending invitation behind ``token``, or why the link cannot be used."""
    try:
        data = signing.loads(token, salt=_TEAM_SALT,
                             max_age=settings.SHISAKU_TEAM_INVITATION_DAYS * 86400)
    except signing.SignatureExpired:
        return LinkProblem("expired")
    except signing.BadSignature:
        return LinkProblem("forged")
    invitation = (TeamInvitation.objects.select_related("organisation")
                  .filter(pk=data.get("i")).first())
    if invitation is None:
        return LinkProblem("forged")
    if invitation.status == TeamInvitationStatus.ACCEPTED:
        return LinkProblem("used")
    if invitation.status == TeamInvitationStatus.REVOKED:
        return LinkProblem("revoked")
    return invitation


def team_invitation_accept(*, invitation: TeamInvitation, user: User) -> Membership:
    """The invited person joins with the role the admin chose (once)."""
    with transaction.atomic():
        invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not transition_allowed(TEAM_INVITATION_TRANSITIONS, invitation.status,
                                  TeamInvitationStatus.ACCEPTED):
            raise InputError("token", _("This invitation was used or revoked already."))
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation,
            defaults={"role": invitation.role})
        if not created and invitation.role == MembershipRole.OWNER:
            membership.role = MembershipRole.OWNER
            membership.save(update_fields=["role"])
        invitation.status = TeamInvitationStatus.ACCEPTED
        invitation.accepted_by = user
        invitation.decided_at = timezone.now()
        invitation.save(update_fields=["status", "accepted_by", "decided_at"])
        audit_record(actor=user, action="accounts.team_join", obj=invitation.organisation,
                     summary=invitation.role)
    return membership


def user_signup_invited(*, invitation: TeamInvitation, username: str, password: str,
                        language: str = "") -> User:
    """A new person signs up through a team invitation: the e-mailed link proved the
    address, so the account is active at once and joins the inviting organisation."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InputError("email", _("An account with this e-mail exists; log in to join."))
        user = User.objects.create_user(username=username, email=invitation.email,
                                        password=password, preferred_language=language)
        team_invitation_accept(invitation=invitation, user=user)
    return user


def team_invitation_revoke(*, invitation: TeamInvitation, actor: User) -> None:
    _require_admin(actor, invitation.organisation)
    if not transition_allowed(TEAM_INVITATION_TRANSITIONS, invitation.status,
                              TeamInvitationStatus.REVOKED):
        raise InputError("invitation", _("This invitation was used or revoked already."))
    invitation.status = TeamInvitationStatus.REVOKED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action="accounts.team_revoke", obj=invitation.organisation,
                 summary=invitation.email)


def _admins_left_without(membership: Membership) -> int:
    # Lock the other admins' rows (PostgreSQL allows no FOR UPDATE with an aggregate).
    return len(Membership.objects.select_for_update()
               .filter(organisation_id=membership.organisation_id, role=MembershipRole.OWNER)
               .exclude(pk=membership.pk).values_list("pk", flat=True))


def membership_remove(*, membership: Membership, actor: User) -> None:
    """An admin removes a member, or a member leaves; the last admin can do neither."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related(
            "organisation").get(pk=membership.pk)
        if membership.user_id != actor.pk:
            _require_admin(actor, membership.organisation)
        if membership.role == MembershipRole.OWNER and _admins_left_without(membership) == 0:
            raise InputError("membership", _("An organisation needs at least one admin: make "
                                             "someone else admin first."))
        membership.delete()
        audit_record(actor=actor, action="accounts.team_remove", obj=membership.organisation,
                     summary=str(membership.user))


def membership_role_set(*, membership: Membership, role: str, actor: User) -> Membership:
    """An admin makes a member admin, or an admin member; the last admin stays admin."""
    if role not in MembershipRole.values:
        raise InputError("role", _("Choose admin or member."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related(
            "organisation").get(pk=membership.pk)
        _require_admin(actor, membership.organisation)
        if (membership.role == MembershipRole.OWNER and role != MembershipRole.OWNER
                and _admins_left_without(membership) == 0):
            raise InputError("role", _("An organisation needs at least one admin: make "
                                       "someone else admin first."))
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(actor=actor, action="accounts.team_role", obj=membership.organisation,
                     summary=f"{membership.user}: {role}")
    return membership
