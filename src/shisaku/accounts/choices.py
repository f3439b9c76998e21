"""Organisation kinds and membership roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    STARTUP = "startup", _("Startup")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    COORDINATOR = "coordinator", _("Coordinator")


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")
