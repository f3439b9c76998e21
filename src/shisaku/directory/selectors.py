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


# What a list row shows (directory/_results_body.html): nothing else is read.
LIST_FIELDS = ("id", "name", "name_local", "kind", "synthetic", "region", "country",
               "certifications", "reply_median_hours")


def manufacturers_in_order(ids: list[int]) -> list[Manufacturer]:
    """The public profiles of ``ids`` (one page of a list) in that order, with the processes
    of their capabilities: two queries by primary key, whatever the directory's size."""
    caps = Capability.objects.only("manufacturer_id", "process").order_by("process", "id")
    rows = (Manufacturer.objects.filter(id__in=ids).only(*LIST_FIELDS)
            .prefetch_related(Prefetch("capabilities", caps)))
    by_id = {m.id: m for m in rows}
    return [by_id[i] for i in ids if i in by_id]
def manufacturer_rows(ids: list[int]) -> list[dict[str, Any]]:
    """What a list row shows (``LIST_FIELDS`` plus ``processes``: the codes of the firm's
    capabilities, by code) for the public profiles of ``ids``, in that order: two queries by
    primary key returning plain values (no model instances), whatever the directory's size."""
    by_id = {row["id"]: {**row, "processes": []}
             for row in Manufacturer.objects.filter(id__in=ids).values(*LIST_FIELDS)}
    caps = (Capability.objects.filter(manufacturer_id__in=ids)
            .values_list("manufacturer_id", "process").order_by("process", "id"))
    for firm, process in caps:
        by_id[firm]["processes"].append(process)
    return [by_id[i] for i in ids if i in by_id]


def manufacturer_contact_for(*, user: Any, manufacturer: Manufacturer) -> dict[str, str] | None:
    """The firm's private contact e-mail and phone for a coordinator who covers its region
    (staff: any firm); None for everybody else. Never in public pages, the API or exports."""
    if not coordinator_covers(user, country=manufacturer.country, block=manufacturer.block):
        return None
    return {"email": manufacturer.contact_email, "phone": manufacturer.contact_phone}
