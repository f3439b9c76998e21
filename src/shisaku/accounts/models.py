"""Accounts: a user belongs to organisations through memberships with a role."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.accounts.choices import MembershipRole, OrganisationKind, TeamInvitationStatus


class User(AbstractUser):
    """A person. Passwords are hashed with argon2 (settings.PASSWORD_HASHERS)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True,
                                          choices=settings.LANGUAGES)
    # IANA zone name ("" = the deployment's settings.TIME_ZONE): dates on pages and in
    # notifications are shown in it.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    def organisations_of_kind(self, kind: str) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(memberships__user=self, kind=kind)


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices,
                            default=MembershipRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="membership_unique_user_org")]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class TeamInvitation(models.Model):
    """An organisation admin's invitation of a colleague by e-mail (a signed, single-use link)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="team_invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices,
                            default=MembershipRole.MEMBER)
    status = models.CharField(_("status"), max_length=20, choices=TeamInvitationStatus.choices,
                              default=TeamInvitationStatus.PENDING)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")

    def __str__(self) -> str:
        return f"{self.email} -> {self.organisation} ({self.status})"
