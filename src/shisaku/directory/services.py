"""Writes to the directory: save records (one or a whole pool), keep the facet index in step.

Every write bumps the "directory" data generation so that matching indexes in every process
are rebuilt on their next use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from shisaku import taxonomy
from shisaku.core.services import audit_record, generation_bump
from shisaku.directory.models import Capability, Manufacturer, ManufacturerFacet
from shisaku.directory.records import facets_of, search_text_of

GENERATION = "directory"

_SCALAR_FIELDS = (
    "name", "name_local", "kind", "country", "region", "block", "city", "lat", "lon", "stages",
    "product_fields", "technologies", "certifications", "languages", "accepts_foreign",
    "startup_friendly", "equipment", "description", "website", "employees", "founded",
    "reply_median_hours", "rating", "rating_count", "startup_projects", "price_level",
    "capacity_jobs", "synthetic", "source", "contact_email", "contact_phone", "search_text",
)
_DEFAULTS: dict[str, Any] = {
    "name_local": "", "kind": "manufacturer", "city": "", "stages": [], "product_fields": [],
    "technologies": [], "certifications": [], "languages": [], "accepts_foreign": False,
    "startup_friendly": False, "equipment": "", "description": {}, "website": "",
    "employees": None, "founded": None, "reply_median_hours": None, "rating": None,
    "rating_count": 0, "startup_projects": 0, "price_level": 1.0, "capacity_jobs": None,
    "synthetic": False, "source": "", "contact_email": "", "contact_phone": "",
}


@dataclass(frozen=True)
class SaveSummary:
    created: int
    updated: int

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated}


def _fields_of(record: dict[str, Any]) -> dict[str, Any]:
    values = {k: record.get(k, _DEFAULTS.get(k)) for k in _SCALAR_FIELDS if k != "search_text"}
    for key, default in _DEFAULTS.items():
        if values.get(key) is None and default is not None:
            values[key] = default
    if not record.get("block"):
        values["block"] = taxonomy.region(record["region"]).block
    values["technologies"] = technologies_of(record)
    values["search_text"] = search_text_of(record)
    return values


_TECHNOLOGY_OF_PROCESS = {t.code: t.group for t in taxonomy.PROCESSES}


def technologies_of(record: dict[str, Any]) -> list[str]:
    """What a firm states, plus the technology of every process it runs."""
    derived = {_TECHNOLOGY_OF_PROCESS[c["process"]] for c in record.get("capabilities") or []}
    return sorted(set(record.get("technologies") or []) | derived)


def _capability_rows(manufacturer_id: int, record: dict[str, Any],
                     materials_prep: Any) -> Iterable[tuple[Any, ...]]:
    for cap in record.get("capabilities") or []:
        envelope = cap.get("max_part_mm") or [None, None, None]
        yield (manufacturer_id, cap["process"], materials_prep(list(cap.get("materials") or [])),
               cap.get("min_lot") or 1, cap.get("max_lot") or 1_000_000, envelope[0],
               envelope[1], envelope[2], cap.get("tolerance_mm"),
               cap.get("lead_time_days") or 14)


def _facets(manufacturer_id: int, record: dict[str, Any]) -> list[ManufacturerFacet]:
    return [ManufacturerFacet(manufacturer_id=manufacturer_id, kind=k, code=c)
            for k, c in facets_of(record)]


def _insert_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]],
                 chunk: int = 20_000) -> None:
    """executemany in chunks: a pool of 100,000 firms has some two million index rows, too
    many to build as model instances within the demo's time budget."""
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - fixed identifiers
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        buffer: list[tuple[Any, ...]] = []
        for row in rows:
            buffer.append(row)
            if len(buffer) >= chunk:
                cursor.executemany(sql, buffer)
                buffer = []
        if buffer:
            cursor.executemany(sql, buffer)


def _insert_manufacturers(objs: Sequence[Manufacturer]) -> None:
    """Insert new profiles without the ORM's per-field compilation (the demo loads 100,000)."""
    if not objs:
        return
    now = timezone.now()
    fields = [f for f in Manufacturer._meta.concrete_fields if not f.primary_key]
    preps = []
    for f in fields:
        if f.attname in ("created_at", "updated_at"):
            preps.append((f, None))
        elif isinstance(f, models.JSONField):
            preps.append((f, f.get_db_prep_save))
        else:
            preps.append((f, None))
    rows = []
    for obj in objs:
        row = []
        for f, prep in preps:
            value = now if f.attname in ("created_at", "updated_at") else getattr(obj, f.attname)
            row.append(prep(value, connection) if prep else value)
        rows.append(tuple(row))
    _insert_rows(Manufacturer._meta.db_table, [f.column for f in fields], rows)


_CAPABILITY_COLUMNS = ("manufacturer_id", "process", "materials", "min_lot", "max_lot",
                       "max_part_x_mm", "max_part_y_mm", "max_part_z_mm", "tolerance_mm",
                       "lead_time_days")


def _save_batch(batch: Sequence[dict[str, Any]]) -> tuple[int, int]:
    existing = dict(Manufacturer.objects.filter(slug__in=[r["slug"] for r in batch])
                    .values_list("slug", "id"))
    new_objs, updated_objs = [], []
    for record in batch:
        fields = _fields_of(record)
        if record["slug"] in existing:
            updated_objs.append(Manufacturer(id=existing[record["slug"]], slug=record["slug"],
                                             **fields))
        else:
            new_objs.append(Manufacturer(slug=record["slug"], **fields))
    if updated_objs:
        Manufacturer.objects.bulk_update(updated_objs, list(_SCALAR_FIELDS), batch_size=500)
        ids = [m.id for m in updated_objs]
        Capability.objects.filter(manufacturer_id__in=ids).delete()
        ManufacturerFacet.objects.filter(manufacturer_id__in=ids).delete()
    _insert_manufacturers(new_objs)
    by_slug = {m.slug: m.id for m in updated_objs}
    by_slug.update(Manufacturer.objects.filter(slug__in=[m.slug for m in new_objs])
                   .values_list("slug", "id"))
    created = new_objs
    materials_field = Capability._meta.get_field("materials")

    def prep(value: list[str]) -> Any:
        return materials_field.get_db_prep_save(value, connection)

    _insert_rows(Capability._meta.db_table, _CAPABILITY_COLUMNS,
                 (row for r in batch for row in _capability_rows(by_slug[r["slug"]], r, prep)))
    _insert_rows(ManufacturerFacet._meta.db_table, ("manufacturer_id", "kind", "code"),
                 ((by_slug[r["slug"]], k, c) for r in batch
                  for k, c in facets_of({**r, "technologies": technologies_of(r)})))
    return len(created), len(updated_objs)


def manufacturers_save(*, records: Iterable[dict[str, Any]], actor: Any = None,
                       batch_size: int = 2000, action: str = "directory.save") -> SaveSummary:
    """Create or update (by slug) manufacturers from valid records, all in one transaction.

    Callers validate first (importer.validate_rows); a failure here rolls everything back.
    """
    created = updated = 0
    with transaction.atomic():
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                c, u = _save_batch(batch)
                created, updated = created + c, updated + u
                batch = []
        if batch:
            c, u = _save_batch(batch)
            created, updated = created + c, updated + u
        if created or updated:
            generation_bump(name=GENERATION)
            audit_record(actor=actor, action=action,
                         summary=f"{created} created, {updated} updated",
                         data={"created": created, "updated": updated})
    return SaveSummary(created, updated)


def manufacturer_reindex(*, manufacturer: Manufacturer) -> None:
    """Rebuild one profile's facet rows and search text from what it states now."""
    from shisaku.directory.records import record_of

    with transaction.atomic():
        record = record_of(manufacturer)
        record["technologies"] = technologies_of(record)
        Manufacturer.objects.filter(pk=manufacturer.pk).update(
            search_text=search_text_of(record), technologies=record["technologies"])
        ManufacturerFacet.objects.filter(manufacturer=manufacturer).delete()
        ManufacturerFacet.objects.bulk_create(_facets(manufacturer.pk, record))
        generation_bump(name=GENERATION)


def manufacturer_create_for(*, organisation: Any) -> Manufacturer:
    """An empty public profile for a manufacturer organisation that just signed up.

    It sits in the organisation's region (else its country's first listed region) until the
    firm edits its profile.
    """
    stated = taxonomy.REGIONS.get(organisation.region)
    if stated is not None and stated.country == organisation.country:
        region = stated
    else:
        region = next((r for r in taxonomy.REGIONS.values()
                       if r.country == organisation.country), taxonomy.region("KR-11"))
    record = {"slug": f"{organisation.slug}-{organisation.pk}", "name": organisation.name,
              "country": region.country, "region": region.code, "block": region.block,
              "lat": region.lat, "lon": region.lon, "capabilities": [],
              "source": "self-registered"}
    manufacturers_save(records=[record], action="directory.profile_create")
    manufacturer = Manufacturer.objects.get(slug=record["slug"])
    manufacturer.organisation = organisation
    manufacturer.save(update_fields=["organisation"])
    return manufacturer


def sample_load(*, size: int, seed: int = 7, batch_size: int = 5000) -> SaveSummary:
    """Load the real maker spaces and ``size`` synthetic manufacturers, skipping those present.

    Idempotent: a second call with the same size creates nothing; a larger size adds the rest.
    """
    from shisaku.sampledata import generate_manufacturers, load_maker_spaces

    existing = set(Manufacturer.objects.values_list("slug", flat=True))
    created = 0

    def fresh() -> Iterable[dict[str, Any]]:
        for record in load_maker_spaces():
            if record["slug"] not in existing:
                yield record
        for record in generate_manufacturers(size, seed=seed):
            if record["slug"] not in existing:
                yield record

    summary = manufacturers_save(records=fresh(), batch_size=batch_size,
                                 action="directory.sample_load")
    created += summary.created
    return SaveSummary(created, 0)
