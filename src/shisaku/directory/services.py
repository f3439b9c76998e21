"""Writes to the directory: save records (one or a whole pool), keep the facet index in step.

Every write goes through :func:`directory_changed`: it logs which firms changed and bumps the
"directory" data generation, so that every process patches its directory index with exactly
those firms on its next use (``adapters.get_directory_index``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from shisaku import taxonomy
from shisaku.core.events import DIRECTORY_BULK_CHANGED, publish
from shisaku.core.services import audit_record, generation_bump
from shisaku.core.transitions import transition_allowed
from shisaku.directory import bulk
from shisaku.directory.choices import (
    IMPORT_BATCH_TRANSITIONS,
    DuplicatePolicy,
    ImportBatchStatus,
)
from shisaku.directory.models import (
    Capability,
    DirectoryChange,
    ImportBatch,
    Manufacturer,
    ManufacturerFacet,
)
from shisaku.directory.records import facets_of, search_text_of
from shisaku.errors import InputError

GENERATION = "directory"
# More firms than this in one write are logged as "any firm": serving processes then load or
# build a whole new index instead of patching theirs.
CHANGE_LOG_LIMIT = 2000


def directory_changed(*, ids: Iterable[int] | None) -> None:
    """Record that the firms ``ids`` changed (None: any number of firms) and bump the
    directory's data generation. Call it inside the writing transaction, after the writes: the
    log rows commit or roll back with them (a transaction must commit within
    ``adapters.CHANGE_MARGIN_US`` of this call, minutes). Called without one (autocommit),
    the bump and the log rows still commit together: a process that saw the new generation
    without its rows would serve it, unpatched, until the generation moved again."""
    with transaction.atomic(savepoint=False):
        # The generation row first: its lock, held to the commit, orders the writers, so log
        # rows are numbered in commit order (readers still allow for gaps: adapters.LogPosition).
        generation_bump(name=GENERATION)
        now_us = time.time_ns() // 1000
        wanted = None if ids is None else sorted({int(i) for i in ids})
        if wanted is None or len(wanted) > CHANGE_LOG_LIMIT:
            DirectoryChange.objects.create(manufacturer_id=None, at_us=now_us)
            transaction.on_commit(lambda: publish(DIRECTORY_BULK_CHANGED))
        elif wanted:
            DirectoryChange.objects.bulk_create(
                [DirectoryChange(manufacturer_id=i, at_us=now_us) for i in wanted])

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
    created_ids: tuple[int, ...] = ()
    updated_ids: tuple[int, ...] = ()

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


def _capability_rows(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The capability rows of a record, without the firm's key (_CAPABILITY_COLUMNS[1:])."""
    json_text = bulk.json_text
    rows = []
    for cap in record.get("capabilities") or []:
        envelope = cap.get("max_part_mm") or [None, None, None]
        rows.append((cap["process"], json_text(list(cap.get("materials") or [])),
                     cap.get("min_lot") or 1, cap.get("max_lot") or 1_000_000, envelope[0],
                     envelope[1], envelope[2], cap.get("tolerance_mm"),
                     cap.get("lead_time_days") or 14))
    return rows


def _facets(manufacturer_id: int, record: dict[str, Any]) -> list[ManufacturerFacet]:
    return [ManufacturerFacet(manufacturer_id=manufacturer_id, kind=k, code=c)
            for k, c in facets_of(record)]


_CAPABILITY_COLUMNS = ("manufacturer_id", "process", "materials", "min_lot", "max_lot",
                       "max_part_x_mm", "max_part_y_mm", "max_part_z_mm", "tolerance_mm",
                       "lead_time_days")
_JSON_FIELDS = frozenset(f.name for f in Manufacturer._meta.concrete_fields
                         if isinstance(f, models.JSONField))
_INSERT_FIELDS = ("slug", *_SCALAR_FIELDS, "registration_number", "public_id",
                  "delivered_orders", "created_at", "updated_at")
# Bulk loads above this many firms refresh the planner's statistics when they commit.
ANALYZE_AFTER = 1000


_PUBLIC_ID = Manufacturer._meta.get_field("public_id")


def _column_value(name: str, value: Any) -> Any:
    return bulk.json_text(value) if name in _JSON_FIELDS else value


def _now_column() -> Any:
    """Now, as the database column holds it: written by raw SQL, an aware datetime reached
    SQLite as "…+00:00" text while the ORM writes "…" (naive UTC), so a firm saved since by
    the ORM sorted apart from its peers by the text (the SQL reference's "newest" order)."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


# How each column of a new firm's row is filled (see _new_rows): its value (or default), its
# JSON text, its block, its technologies or its search text.
_PLAIN, _JSON, _BLOCK, _TECHNOLOGIES, _SEARCH_TEXT = range(5)
_NEW_ROW_PLAN = tuple(
    (name, _DEFAULTS.get(name),
     {"block": _BLOCK, "technologies": _TECHNOLOGIES, "search_text": _SEARCH_TEXT}.get(
         name, _JSON if name in _JSON_FIELDS else _PLAIN))
    for name in _SCALAR_FIELDS)


def _uuid4_hex(count: int) -> list[str]:
    """``count`` random version-4 UUIDs as 32 hex digits (what ``uuid.uuid4().hex`` gives,
    and how the UUID column stores them on SQLite; PostgreSQL reads the same text), from one
    read of the system's random source."""
    data = bytearray(os.urandom(16 * count))
    data[6::16] = bytes((b & 0x0F) | 0x40 for b in data[6::16])  # version 4
    data[8::16] = bytes((b & 0x3F) | 0x80 for b in data[8::16])  # RFC 4122 variant
    text = data.hex()
    return [text[i:i + 32] for i in range(0, 32 * count, 32)]


def _new_rows(batch: Sequence[dict[str, Any]], technologies: Sequence[list[str]], *,
              sqlite: bool) -> list[tuple[Any, ...]]:
    """The rows of new firms in the column order of _new_columns() less the primary key: the
    values _fields_of gives, built in one pass (no intermediate dicts)."""
    now = _now_column()
    # SQLite keeps the JSON text as the ORM writes it; PostgreSQL's jsonb keeps only the value.
    json_text = bulk.json_text if sqlite else bulk.jsonb_text
    region_of = taxonomy.region
    plan = _NEW_ROW_PLAN
    rows = []
    for record, techs, public_id in zip(batch, technologies, _uuid4_hex(len(batch)),
                                        strict=True):
        get = record.get
        row: list[Any] = [record["slug"]]
        append = row.append
        for name, default, how in plan:
            if how == _PLAIN:
                value = get(name)
                append(default if value is None else value)
            elif how == _JSON:
                value = get(name)
                append(json_text(default if value is None else value))
            elif how == _BLOCK:
                append(get("block") or region_of(record["region"]).block)
            elif how == _TECHNOLOGIES:
                append(json_text(techs))
            else:
                append(search_text_of(record))
        # A new firm's open-data identifier; delivery facts start empty (orders fill them).
        row += (get("registration_number") or "", public_id, 0, now, now,
                get("organisation_id"))
        rows.append(tuple(row))
    return rows


def _update_existing(batch: Sequence[dict[str, Any]]) -> None:
    now = _now_column()
    names = (*_SCALAR_FIELDS, "registration_number", "slug", "updated_at")
    rows = []
    for record in batch:
        values = _fields_of(record)
        values["registration_number"] = record.get("registration_number") or ""
        values["slug"], values["updated_at"] = record["slug"], now
        rows.append((*(_column_value(n, values[n]) for n in names), record["_pk"]))
    bulk.update_rows(Manufacturer._meta.db_table,
                     [Manufacturer._meta.get_field(n).column for n in names], rows)


_PRIVATE_FIELDS = ("contact_email", "contact_phone", "registration_number")


def _merged_with_stored(batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Updates keep what a file does not state: a record's ``_given`` names the fields it
    carries (all when absent) and ``_caps_given`` whether it lists capabilities; the rest
    comes from the stored firm, so a file without, say, contact columns never blanks them."""
    from shisaku.directory.records import iter_records

    partial = {r["_pk"] for r in batch if r.get("_given") is not None
               or not r.get("_caps_given", True)}
    if not partial:
        return list(batch)
    stored = {r["id"]: r for r in iter_records(Manufacturer.objects.filter(id__in=partial))}
    for pk, *private in (Manufacturer.objects.filter(id__in=partial)
                         .values_list("id", *_PRIVATE_FIELDS)):
        stored[pk].update(zip(_PRIVATE_FIELDS, private, strict=True))
    out = []
    for record in batch:
        if record["_pk"] not in partial:
            out.append(record)
            continue
        given = record.get("_given")
        pk = record["_pk"]
        merged = dict(stored[pk])
        merged.update(record if given is None else
                      {k: v for k, v in record.items() if k in given})
        if not record.get("_caps_given", True):
            merged["capabilities"] = stored[pk]["capabilities"]
        else:
            merged["capabilities"] = record.get("capabilities") or []
        if "region" in (given or ()) and "lat" not in (given or ()):
            region = taxonomy.REGIONS.get(merged["region"])
            if region is not None and region.code != stored[pk]["region"]:
                merged["lat"], merged["lon"], merged["block"] = region.lat, region.lon, region.block
        merged["_pk"], merged["slug"] = pk, record["slug"]
        out.append(merged)
    return out


@dataclass
class _Prepared:
    """A batch made ready for the database without it (so it can be made in a helper process):
    its new firms' rows without their keys, their capability rows and, where the database does
    not derive them (bulk.facets_in_database), their facets; its updates as they came."""

    rows: list[tuple[Any, ...]]
    capabilities: list[list[tuple[Any, ...]]]
    # (position among the new firms, kind, code); on SQLite as JSON (bulk.insert_keyed_rows).
    facets: str | list[tuple[int, str, str]]
    old: list[dict[str, Any]]


def _prepared(records: Iterable[dict[str, Any]], *, batch_size: int,
              sqlite: bool) -> Iterator[_Prepared]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= batch_size:
            yield _prepare(batch, sqlite=sqlite)
            batch = []
    if batch:
        yield _prepare(batch, sqlite=sqlite)


def _prepare(batch: Sequence[dict[str, Any]], *, sqlite: bool) -> _Prepared:
    new = [r for r in batch if not r.get("_pk")]
    technologies = [technologies_of(r) for r in new]
    facets: str | list[tuple[int, str, str]] = [
        (i, kind, code) for i, (r, t) in enumerate(zip(new, technologies, strict=True))
        for kind, code in facets_of({**r, "technologies": t})]
    if sqlite:
        facets = bulk.json_text_of_rows(facets)
    return _Prepared(_new_rows(new, technologies, sqlite=sqlite),
                     [_capability_rows(r) for r in new], facets,
                     [r for r in batch if r.get("_pk")])


def _save_batch(prepared: _Prepared) -> tuple[list[int], list[int]]:
    """Create the batch's new firms and update those with a ``_pk``; (created, updated) ids.

    Records come with their identity settled (importer.read_pool, or a fresh slug); nothing
    here matches firms by a derived key.
    """
    old = _merged_with_stored(prepared.old)
    new_ids = bulk.allocate_ids(Manufacturer, len(prepared.rows))
    bulk.insert_rows(Manufacturer._meta.db_table, _new_columns(),
                     [(pk, *row) for pk, row in zip(new_ids, prepared.rows, strict=True)])
    if old:
        _update_existing(old)
        ids = [r["_pk"] for r in old]
        Capability.objects.filter(manufacturer_id__in=ids).delete()
        ManufacturerFacet.objects.filter(manufacturer_id__in=ids).delete()
    bulk.insert_rows(Capability._meta.db_table, _CAPABILITY_COLUMNS, [
        *((pk, *row) for pk, rows in zip(new_ids, prepared.capabilities, strict=True)
          for row in rows),
        *((r["_pk"], *row) for r in old for row in _capability_rows(r))])
    facet_columns = ("manufacturer_id", "kind", "code")
    bulk.insert_keyed_rows(ManufacturerFacet._meta.db_table, facet_columns, new_ids,
                           prepared.facets)
    bulk.insert_rows(ManufacturerFacet._meta.db_table, facet_columns,
                     [(r["_pk"], kind, code) for r in old
                      for kind, code in facets_of({**r, "technologies": technologies_of(r)})])
    return new_ids, [r["_pk"] for r in old]


def _new_columns() -> list[str]:
    return ["id", *(Manufacturer._meta.get_field(n).column for n in _INSERT_FIELDS),
            "organisation_id"]


def manufacturers_save(*, records: Iterable[dict[str, Any]], actor: Any = None,
                       batch_size: int = 5000, action: str = "directory.save",
                       expected: int | None = None) -> SaveSummary:
    """Create or update manufacturers from valid records, all in one transaction.

    A record with a ``_pk`` (the stored firm's primary key) updates that firm; one without
    creates a firm with the record's ``slug`` (callers settle identity and slugs first:
    importer.read_bytes). A failure rolls everything back. Large loads go through the
    database's bulk path (bulk.py); an initial load (``expected`` records, at least
    bulk.REBUILD_INDEXES_FROM and at least as many as are stored) builds the secondary indexes
    after the rows; every large load refreshes the planner's statistics.
    """
    created: list[int] = []
    updated: list[int] = []
    tables = [Manufacturer._meta.db_table, Capability._meta.db_table,
              ManufacturerFacet._meta.db_table]
    with bulk.gc_paused(), bulk.bulk_session(), transaction.atomic():
        rebuild = (expected is not None and expected >= bulk.REBUILD_INDEXES_FROM
                   and expected >= Manufacturer.objects.count())
        indexes = (bulk.indexes_rebuilt_after(tables, child_tables=tables) if rebuild
                   else contextlib.nullcontext())
        # A large load makes its rows in a helper process while this one writes them.
        batches = bulk.made_elsewhere(
            functools.partial(_prepared, records, batch_size=batch_size,
                              sqlite=connection.vendor == "sqlite"),
            helper=expected is not None and expected >= bulk.HELPER_FROM)
        with indexes, contextlib.closing(batches):
            for prepared in batches:
                c, u = _save_batch(prepared)
                created += c
                updated += u
        if created or updated:
            directory_changed(ids=[*created, *updated])
            audit_record(actor=actor, action=action,
                         summary=f"{len(created)} created, {len(updated)} updated",
                         data={"created": len(created), "updated": len(updated)})
    if len(created) + len(updated) >= ANALYZE_AFTER:
        bulk.analyze(tables)
    return SaveSummary(len(created), len(updated), tuple(created), tuple(updated))


def manufacturer_deleted(sender: Any, instance: Manufacturer, **kwargs: Any) -> None:
    """A profile deleted by any path (an administrator, a cascade): log it (post_delete
    handler, connected by the app's config)."""
    directory_changed(ids=[instance.pk])


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
        directory_changed(ids=[manufacturer.pk])


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
                                 action="directory.sample_load", expected=size)
    created += summary.created
    return SaveSummary(created, 0)


# -- import batches -----------------------------------------------------------------------------
def _batch_link(batch: ImportBatch, ids: Iterable[int]) -> None:
    through = ImportBatch.manufacturers.through
    bulk.insert_pairs(through._meta.db_table, ("importbatch_id", "manufacturer_id"), batch.pk,
                      list(ids))


# A batch keeps this many problems of its report (its error count is the full number).
KEPT_ERRORS = 10_000


def _report_summary(report: Any) -> dict[str, Any]:
    out = report.as_dict()
    out.pop("sha256", None)
    out["errors"] = out["errors"][:KEPT_ERRORS]
    out["duplicates"] = out["duplicates"][:KEPT_ERRORS]
    return out


def import_batch_record(*, report: Any, file_name: str, source: str, actor: Any = None,
                        organisation: Any = None,
                        duplicates: str = DuplicatePolicy.REFUSE) -> ImportBatch:
    """Load a checked import (a report without errors) and keep it as a batch, all at once."""
    with transaction.atomic():
        summary = manufacturers_save(records=report.records, actor=actor,
                                     action="directory.import", expected=len(report.records))
        report.created, report.updated = summary.created, summary.updated
        batch = ImportBatch.objects.create(
            source=source[:200], coordinator=actor if getattr(actor, "pk", None) else None,
            organisation=organisation, file_name=file_name[:255], file_format=report.fmt,
            sha256=report.sha256, encoding=report.encoding, duplicates=duplicates,
            status=ImportBatchStatus.LOADED, rows=report.rows, created_count=summary.created,
            updated_count=summary.updated, error_count=0, report=_report_summary(report),
            loaded_at=timezone.now())
        _batch_link(batch, (*summary.created_ids, *summary.updated_ids))
    return batch


def import_batch_check(*, data: bytes, file_name: str, fmt: str, source: str, actor: Any,
                       organisation: Any = None, encoding: str | None = None,
                       duplicates: str = DuplicatePolicy.REFUSE) -> ImportBatch:
    """Check an uploaded pool (a dry run) and keep the file and its report as a batch that
    waits for a coordinator's confirmation (or is refused when rows are bad)."""
    from shisaku.directory.importer import read_bytes

    report = read_bytes(data, fmt=fmt, encoding=encoding, duplicates=duplicates, source=source)
    only_duplicates = all(e.field == "name" and e.line in {d.line for d in report.duplicates}
                          for e in report.errors) and bool(report.records or report.duplicates)
    status = (ImportBatchStatus.CHECKED if not report.errors or only_duplicates
              else ImportBatchStatus.REFUSED)
    with transaction.atomic():
        batch = ImportBatch(
            source=source[:200], coordinator=actor, organisation=organisation,
            file_name=file_name[:255], file_format=fmt, sha256=report.sha256,
            encoding=report.encoding, duplicates=duplicates, status=status, rows=report.rows,
            error_count=len(report.errors), report=_report_summary(report))
        if status == ImportBatchStatus.CHECKED:
            batch.file.save(file_name, ContentFile(data), save=False)
        batch.save()
        audit_record(actor=actor, action="directory.import_check", obj=batch,
                     summary=f"{file_name}: {report.rows} rows, {len(report.errors)} problems")
    return batch


def import_batch_load(*, batch: ImportBatch, actor: Any,
                      duplicates: str = DuplicatePolicy.REFUSE) -> ImportBatch:
    """Load a checked batch after the coordinator confirmed it: the stored file is checked
    again (the directory may have changed), and loaded whole or not at all."""
    from shisaku.directory.importer import read_bytes

    if not transition_allowed(IMPORT_BATCH_TRANSITIONS, batch.status, ImportBatchStatus.LOADED):
        raise InputError("status", gettext("a %(status)s batch cannot be loaded") % {"status": batch.get_status_display()})
    try:
        with batch.file.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        raise InputError("file", gettext("the stored file is gone; upload it again")) from None
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise InputError("file", gettext("the stored file changed since it was checked"))
    report = read_bytes(data, fmt=batch.file_format, encoding=batch.encoding or None,
                        duplicates=duplicates, source=batch.source)
    if report.errors:
        ImportBatch.objects.filter(pk=batch.pk).update(
            report=_report_summary(report), error_count=len(report.errors),
            duplicates=duplicates)
        batch.refresh_from_db()
        return batch
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatchStatus.CHECKED:
            raise InputError("status", gettext("a %(status)s batch cannot be loaded") % {"status": locked.get_status_display()})
        summary = manufacturers_save(records=report.records, actor=actor,
                                     action="directory.import", expected=len(report.records))
        report.created, report.updated = summary.created, summary.updated
        report.dry_run = False
        _batch_link(locked, (*summary.created_ids, *summary.updated_ids))
        locked.status = ImportBatchStatus.LOADED
        locked.duplicates = duplicates
        locked.created_count, locked.updated_count = summary.created, summary.updated
        locked.error_count = 0
        locked.report = _report_summary(report)
        locked.loaded_at = timezone.now()
        locked.save()
        audit_record(actor=actor, action="directory.import_load", obj=locked,
                     summary=f"{summary.created} created, {summary.updated} updated")
    locked.file.delete(save=True)  # it may hold private contact columns
    return locked


def import_batch_discard(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Drop a checked batch without loading it (its stored file goes too)."""
    if not transition_allowed(IMPORT_BATCH_TRANSITIONS, batch.status,
                              ImportBatchStatus.DISCARDED):
        raise InputError("status", gettext("a %(status)s batch cannot be discarded") % {"status": batch.get_status_display()})
    batch.status = ImportBatchStatus.DISCARDED
    batch.save(update_fields=["status"])
    if batch.file:
        batch.file.delete(save=True)
    audit_record(actor=actor, action="directory.import_discard", obj=batch,
                 summary=batch.file_name)
    return batch
