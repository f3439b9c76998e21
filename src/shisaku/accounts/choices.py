"""Organisation kinds, membership roles and the team invitation's states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shisaku.core import roles


class OrganisationKind(models.TextChoices):
    STARTUP = roles.STARTUP, _("Startup")
    MANUFACTURER = roles.MANUFACTURER, _("Manufacturer")
    COORDINATOR = roles.COORDINATOR, _("Coordinator")


# Who may sign up on their own: coordinators are created by staff (Django admin) or by a
# coordinator organisation's team invitation, never by self-service sign-up.
SELF_SIGNUP_KINDS = (OrganisationKind.STARTUP, OrganisationKind.MANUFACTURER)


class MembershipRole(models.TextChoices):
    # "owner" is the stored value of an organisation's administrators.
    OWNER = "owner", pgettext_lazy("membership role", "Admin")
    MEMBER = "member", _("Member")


class TeamInvitationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REVOKED = "revoked", _("revoked")


TEAM_INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    TeamInvitationStatus.PENDING: frozenset({TeamInvitationStatus.ACCEPTED,
                                             TeamInvitationStatus.REVOKED}),
    TeamInvitationStatus.ACCEPTED: frozenset(),
    TeamInvitationStatus.REVOKED: frozenset(),
}
