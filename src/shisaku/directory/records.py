"""Manufacturer records: the plain-dict form shared by export, import, the API and the engines.

A record is the export JSON object of ARCHITECTURE.md. Reading records from the database goes
through ``iter_records`` (values() queries in batches, no model instances), fast enough to
build a matching index of 100,000 firms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from shisaku.directory.models import Capability, Manufacturer
from shisaku.engines.directory.text import record_text_fields, search_text

MANUFACTURER_FIELDS = (
    "id", "slug", "name", "name_local", "kind", "country", "region", "block", "city", "lat",
    "lon", "stages", "product_fields", "technologies", "certifications", "languages",
    "accepts_foreign", "startup_friendly", "reply_median_hours", "rating", "rating_count",
    "startup_projects", "price_level", "capacity_jobs", "employees", "founded", "website",
    "equipment", "description", "synthetic", "source", "on_time_rate", "delivered_orders",
)
CAPABILITY_FIELDS = ("process", "materials", "min_lot", "max_lot", "max_part_mm",
                     "tolerance_mm", "lead_time_days")
_CAP_DB_FIELDS = ("manufacturer_id", "process", "materials", "min_lot", "max_lot",
                  "max_part_x_mm", "max_part_y_mm", "max_part_z_mm", "tolerance_mm",
                  "lead_time_days")


def _capability(row: tuple[Any, ...]) -> dict[str, Any]:
    (_mid, process, materials, min_lot, max_lot, x, y, z, tolerance, lead) = row
    envelope = None if x is None or y is None or z is None else [x, y, z]
    return {"process": process, "materials": list(materials or []), "min_lot": min_lot,
            "max_lot": max_lot, "max_part_mm": envelope, "tolerance_mm": tolerance,
            "lead_time_days": lead}


def iter_records(queryset: QuerySet[Manufacturer] | None = None, *,
                 batch_size: int = 5000) -> Iterator[dict[str, Any]]:
    """Yield the record of every manufacturer of ``queryset`` (all when None), by ascending id."""
    qs = (queryset if queryset is not None else Manufacturer.objects.all()).order_by("id")
    last_id = 0
    while True:
        rows = list(qs.filter(id__gt=last_id).values(*MANUFACTURER_FIELDS)[:batch_size])
        if not rows:
            return
        ids = [r["id"] for r in rows]
        caps: dict[int, list[dict[str, Any]]] = defaultdict(list)
        cap_rows = (Capability.objects.filter(manufacturer_id__in=ids)
                    .order_by("manufacturer_id", "process", "id").values_list(*_CAP_DB_FIELDS))
        for cap in cap_rows:
            caps[cap[0]].append(_capability(cap))
        for row in rows:
            row["capabilities"] = caps.get(row["id"], [])
            yield row
        last_id = ids[-1]


def record_of(manufacturer: Manufacturer) -> dict[str, Any]:
    """The record of one manufacturer."""
    return next(iter_records(Manufacturer.objects.filter(pk=manufacturer.pk)))


def search_text_of(record: dict[str, Any]) -> str:
    """What text search looks in: names, city, equipment and descriptions, folded (NFKC, case
    folded, no white space inside a field): :mod:`shisaku.engines.directory.text`."""
    return search_text(record_text_fields(record))


def facets_of(record: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(kind, code) pairs that the directory filters and counts on."""
    for kind, key in (("stage", "stages"), ("product_field", "product_fields"),
                      ("technology", "technologies"), ("certification", "certifications"),
                      ("language", "languages")):
        for code in dict.fromkeys(record.get(key) or []):
            yield kind, code
    processes: dict[str, None] = {}
    materials: dict[str, None] = {}
    for cap in record.get("capabilities") or []:
        processes[cap["process"]] = None
        for m in cap.get("materials") or []:
            materials[m] = None
    for code in processes:
        yield "process", code
    for code in materials:
        yield "material", code
