"""Reads of the directory, with the permission rules in the queryset (never in templates)."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection
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
    capabilities, by code, each once) for the public profiles of ``ids``, in that order: two
    queries by primary key returning plain values (no model instances), whatever the
    directory's size.

    Plain SQL over the columns of ``LIST_FIELDS``: building and compiling the two ORM
    querysets cost about three times their execution (~1 ms of each list request)."""
    if not ids:
        return []
    firms_sql, caps_sql = _list_sql(connection.vendor)
    marks = ", ".join(["%s"] * len(ids))
    by_id = {}
    with connection.cursor() as cursor:
        cursor.execute(firms_sql.format(marks=marks), ids)
        for values in cursor.fetchall():
            row = dict(zip(LIST_FIELDS, values, strict=True))
            row["synthetic"] = bool(row["synthetic"])
            certifications = row["certifications"]
            if isinstance(certifications, str | bytes):  # JSON text on SQLite and PostgreSQL
                row["certifications"] = json.loads(certifications)
            row["processes"] = []
            by_id[row["id"]] = row
        cursor.execute(caps_sql.format(marks=marks), ids)
        for firm, process in cursor.fetchall():
            processes = by_id[firm]["processes"]
            # (two capabilities of one process, e.g. two lot ranges: named once; the rows
            # come by process, so a repeat follows its first)
            if not processes or processes[-1] != process:
                processes.append(process)
    return [by_id[i] for i in ids if i in by_id]


@functools.cache
def _list_sql(vendor: str) -> tuple[str, str]:
    """The two queries of ``manufacturer_rows`` (``{marks}``: the placeholders of the ids)."""
    quote = connection.ops.quote_name
    firm, cap = Manufacturer._meta, Capability._meta
    columns = ", ".join(quote(firm.get_field(name).column) for name in LIST_FIELDS)
    firm_id = quote(cap.get_field("manufacturer").column)
    process = quote(cap.get_field("process").column)
    return (f"SELECT {columns} FROM {quote(firm.db_table)} "  # noqa: S608 - names from the models
            f"WHERE {quote(firm.pk.column)} IN ({{marks}})",
            f"SELECT {firm_id}, {process} FROM {quote(cap.db_table)} "  # noqa: S608
            f"WHERE {firm_id} IN ({{marks}}) ORDER BY {process}, {quote(cap.pk.column)}")


def manufacturer_contact_for(*, user: Any, manufacturer: Manufacturer) -> dict[str, str] | None:
    """The firm's private contact e-mail and phone for a coordinator who covers its region
    (staff: any firm); None for everybody else. Never in public pages, the API or exports."""
    if not coordinator_covers(user, country=manufacturer.country, block=manufacturer.block):
        return None
    return {"email": manufacturer.contact_email, "phone": manufacturer.contact_phone}
