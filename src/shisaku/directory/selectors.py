"""Reads of the directory, with the permission rules in the queryset (never in templates)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from shisaku.accounts.choices import MembershipRole, OrganisationKind
from shisaku.accounts.selectors import coordinator_covers
from shisaku.directory.models import Capability, Manufacturer


def manufacturers_public() -> QuerySet[Manufacturer]:
    """Every profile: the directory is public by design (the report's first barrier)."""
    return Manufacturer.objects.all()


def manufacturer_detail(*, pk: int) -> Manufacturer:
    """One profile with its capabilities and sites; Manufacturer.DoesNotExist when absent."""
    return (Manufacturer.objects
            .prefetch_related(Prefetch("capabilities", Capability.objects.order_by("process", "id")),
                              "sites")
            .get(pk=pk))


def manufacturers_editable_by(user: Any) -> QuerySet[Manufacturer]:
    """Profiles a user may edit in the site: those of manufacturers they are a member of.

    Coordinators edit any profile through the Django admin, not here.
    """
    if not getattr(user, "is_authenticated", False):
        return Manufacturer.objects.none()
    return Manufacturer.objects.filter(
        organisation__kind=OrganisationKind.MANUFACTURER,
        organisation__memberships__user=user,
        organisation__memberships__role__in=[MembershipRole.OWNER, MembershipRole.MEMBER],
    )


def manufacturer_contact_for(*, user: Any, manufacturer: Manufacturer) -> dict[str, str] | None:
    """The firm's private contact e-mail and phone for a coordinator who covers its region
    (staff: any firm); None for everybody else. Never in public pages, the API or exports."""
    if not coordinator_covers(user, country=manufacturer.country, block=manufacturer.block):
        return None
    return {"email": manufacturer.contact_email, "phone": manufacturer.contact_phone}
