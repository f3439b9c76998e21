"""Reads of import batches, filtered by who may see them (coordinators: their organisations'
batches and their own; staff: all)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shisaku.accounts.choices import OrganisationKind
from shisaku.accounts.models import Organisation
from shisaku.core.roles import roles_of
from shisaku.directory.models import ImportBatch, Manufacturer


def can_import(user: Any) -> bool:
    """Coordinators (and staff) bring pools into the directory."""
    return roles_of(user).coordinator


def coordinator_organisation(user: Any) -> Organisation | None:
    """The coordinator organisation a batch of ``user`` is attributed to (the first one)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (Organisation.objects.filter(memberships__user=user,
                                        kind=OrganisationKind.COORDINATOR)
            .order_by("id").first())


def import_batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    roles = roles_of(user)
    if not roles.coordinator:
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("coordinator", "organisation")
    if roles.is_staff:
        return batches
    orgs = Organisation.objects.filter(memberships__user=user,
                                       kind=OrganisationKind.COORDINATOR).values("id")
    return batches.filter(Q(organisation_id__in=orgs) | Q(coordinator=user))


def import_batch_firms(batch: ImportBatch) -> QuerySet[Manufacturer]:
    """The firms a batch created or updated (public fields only are shown)."""
    return batch.manufacturers.order_by("name", "id").only(
        "id", "slug", "name", "name_local", "region", "country", "source")
