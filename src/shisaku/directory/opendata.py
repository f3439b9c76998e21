"""Open data: a versioned, self-describing snapshot of the public directory.

``directory_publish`` writes into a folder:

- ``manufacturers.csv`` — one row per firm (lists joined with ``;``), keyed by ``public_id``;
- ``capabilities.csv`` — one row per firm × process, ``manufacturer_public_id`` refers to it;
- ``manufacturers.json`` — the same firms as objects with their capabilities;
- ``manufacturers.geojson`` — a FeatureCollection of points (head-office coordinates);
- ``datapackage.json`` — a Frictionless Data Package descriptor (resources, Table Schemas with
  types and descriptions, the primary and foreign keys, licences, sources with attribution);
- ``README.md`` — the data dictionary, licences and attribution in prose.

Only public fields are written (the public directory's records: no contact data, no search
text, no organisation or account, nothing of projects or quotes). The version is the date and
the directory's data generation, so the same data publishes the same version.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from shisaku.core import events
from shisaku.core.services import generation_current
from shisaku.core.spreadsheets import csv_cell
from shisaku.directory.models import Manufacturer
from shisaku.directory.records import iter_records
from shisaku.directory.services import GENERATION

__all__ = ["FIELDS", "PRIVATE_FIELDS", "directory_publish", "source_licence"]

# Never published, whatever the record holds.
PRIVATE_FIELDS = frozenset({"contact_email", "contact_phone", "search_text", "organisation",
                            "organisation_id", "id", "price_level", "capacity_jobs"})

# (name, Table Schema type, description). Lists are ";"-joined strings in the CSV.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("public_id", "string", "Stable identifier of the firm in Shisaku's open data (UUID)."),
    ("slug", "string", "Readable identifier in the directory's URLs (may change on rename)."),
    ("name", "string", "Name (Latin script where the firm gives one)."),
    ("name_local", "string", "Name in the local script (Hangul, Kanji, Hanzi)."),
    ("kind", "string", "manufacturer or maker_space."),
    ("country", "string", "ISO 3166-1 alpha-2 country of the head office."),
    ("region", "string", "ISO 3166-2 region of the head office."),
    ("block", "string", "Region block (e.g. KR-DAEGYEONG) of the taxonomy."),
    ("city", "string", "City."),
    ("lat", "number", "Latitude of the head office, WGS 84 degrees."),
    ("lon", "number", "Longitude of the head office, WGS 84 degrees."),
    ("stages", "string", "Product stages served (taxonomy codes, ';'-separated)."),
    ("product_fields", "string", "Product fields (taxonomy codes, ';'-separated)."),
    ("technologies", "string", "Technologies (taxonomy codes, ';'-separated)."),
    ("certifications", "string", "Certifications held (taxonomy codes, ';'-separated)."),
    ("languages", "string", "Languages spoken with clients (ISO 639-1, ';'-separated)."),
    ("accepts_foreign", "boolean", "Accepts clients from other countries."),
    ("startup_friendly", "boolean", "Says it works with startups."),
    ("website", "string", "Website."),
    ("employees", "integer", "Head-count, where known."),
    ("founded", "integer", "Year founded, where known."),
    ("reply_median_hours", "number", "Median hours to answer a request for quotation."),
    ("rating", "number", "Mean rating by startups after delivery (1-5)."),
    ("rating_count", "integer", "Number of ratings."),
    ("on_time_rate", "number", "Share of orders delivered in 12 months that shipped on time."),
    ("delivered_orders", "integer", "Orders delivered in the last 12 months."),
    ("synthetic", "boolean", "True for generated sample data (not a real firm)."),
    ("source", "string", "Where the record comes from (its attribution)."),
)
CAPABILITY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("manufacturer_public_id", "string", "The firm (manufacturers.public_id)."),
    ("process", "string", "Process (taxonomy code)."),
    ("materials", "string", "Materials (taxonomy codes, ';'-separated)."),
    ("min_lot", "integer", "Smallest lot accepted, pieces."),
    ("max_lot", "integer", "Largest lot accepted, pieces (empty: no upper limit)."),
    ("max_part_x_mm", "number", "Largest part envelope, x, mm."),
    ("max_part_y_mm", "number", "Largest part envelope, y, mm."),
    ("max_part_z_mm", "number", "Largest part envelope, z, mm."),
    ("tolerance_mm", "number", "Typical tolerance, mm."),
    ("lead_time_days", "integer", "Typical lead time, days."),
)
_LISTS = {"stages", "product_fields", "technologies", "certifications", "languages",
          "materials"}


def source_licence(source: str, *, synthetic: bool) -> dict[str, str]:
    """The licence and attribution of one ``source`` string (a record's ``source``)."""
    if synthetic:
        return {"title": source or "Shisaku sample generator",
                "licence": settings.SHISAKU_OPEN_DATA_LICENSE,
                "note": "Synthetic sample data: these are not real firms."}
    if "CC BY 4.0" in source:
        return {"title": source.replace(" (CC BY 4.0)", ""), "licence": "CC-BY-4.0",
                "note": "Credit the source as named."}
    return {"title": source or "Shisaku directory",
            "licence": settings.SHISAKU_OPEN_DATA_LICENSE,
            "note": "Imported by the named centre or entered by the firm; credit it."}


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in _LISTS:
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _public(records: Iterable[dict[str, Any]], ids: dict[int, str]) -> list[dict[str, Any]]:
    out = []
    for record in records:
        row = {name: record.get(name) for name, _t, _d in FIELDS if name != "public_id"}
        row["public_id"] = ids[record["id"]]
        row["capabilities"] = [
            {"process": c["process"], "materials": c.get("materials") or [],
             "min_lot": c.get("min_lot"), "max_lot": c.get("max_lot"),
             "max_part_mm": c.get("max_part_mm"), "tolerance_mm": c.get("tolerance_mm"),
             "lead_time_days": c.get("lead_time_days")}
            for c in record.get("capabilities") or []]
        assert not PRIVATE_FIELDS & set(row) - {"id"}
        out.append({"public_id": row.pop("public_id"), **row})
    return out


def _write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])


def _schema(fields: tuple[tuple[str, str, str], ...]) -> list[dict[str, str]]:
    return [{"name": n, "type": t, "description": d} for n, t, d in fields]


def snapshot_version(now: dt.datetime | None = None) -> str:
    """``<date>.g<directory generation>`` plus one part per app that publishes beside the
    directory (event ``opendata.version``; the insights app adds ``.i<aggregate build>``)."""
    extra = "".join(f".{part}" for part in events.publish(events.OPENDATA_VERSION))
    date = timezone.localdate(now or timezone.now()).isoformat()
    return f"{date}.g{generation_current(name=GENERATION)}{extra}"


def directory_publish(*, out_dir: Path, queryset: QuerySet[Manufacturer] | None = None,
                      now: dt.datetime | None = None) -> dict[str, Any]:
    """Write the open-data snapshot of ``queryset`` (default: the public directory) into
    ``out_dir`` (created); returns ``{"version", "manufacturers", "capabilities", "files"}``
    plus one entry per higher app that adds its own files (event ``opendata.written``: the
    insights app adds ``"insights"`` with its statistics).
    """
    from shisaku.directory.selectors import manufacturers_public

    now = now or timezone.now()
    qs = queryset if queryset is not None else manufacturers_public()
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = {pk: str(uid) for pk, uid in qs.values_list("id", "public_id")}
    firms = _public(iter_records(qs), ids)
    version = snapshot_version(now)
    header = [n for n, _t, _d in FIELDS]
    _write_csv(out_dir / "manufacturers.csv", header,
               ([_cell(n, f.get(n)) for n in header] for f in firms))
    cap_header = [n for n, _t, _d in CAPABILITY_FIELDS]

    def cap_rows() -> Iterable[list[Any]]:
        for f in firms:
            for c in f["capabilities"]:
                env = c["max_part_mm"] or [None, None, None]
                values = {"manufacturer_public_id": f["public_id"], "process": c["process"],
                          "materials": c["materials"], "min_lot": c["min_lot"],
                          "max_lot": c["max_lot"], "max_part_x_mm": env[0],
                          "max_part_y_mm": env[1], "max_part_z_mm": env[2],
                          "tolerance_mm": c["tolerance_mm"],
                          "lead_time_days": c["lead_time_days"]}
                yield [_cell(n, values[n]) for n in cap_header]

    _write_csv(out_dir / "capabilities.csv", cap_header, cap_rows())
    (out_dir / "manufacturers.json").write_text(
        json.dumps(firms, ensure_ascii=False, indent=1), encoding="utf-8")
    features = [{"type": "Feature", "id": f["public_id"],
                 "geometry": {"type": "Point", "coordinates": [f["lon"], f["lat"]]},
                 "properties": {k: v for k, v in f.items()
                                if k not in ("capabilities", "lat", "lon")}}
                for f in firms]
    (out_dir / "manufacturers.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8")
    sources = Counter((f["source"] or "", bool(f["synthetic"])) for f in firms)
    source_list = [{**source_licence(s, synthetic=syn), "records": n}
                   for (s, syn), n in sorted(sources.items())]
    package = {
        "profile": "data-package",
        "name": "shisaku-directory",
        "title": "Shisaku manufacturer directory",
        "description": ("Manufacturers and maker spaces that make hardware startups' "
                        "products, with their processes, materials, lot sizes and "
                        "delivery figures. Contact data is never published."),
        "version": version,
        "created": now.isoformat(timespec="seconds"),
        "licenses": [{"name": settings.SHISAKU_OPEN_DATA_LICENSE,
                      "path": _LICENCE_URLS.get(settings.SHISAKU_OPEN_DATA_LICENSE, ""),
                      "title": settings.SHISAKU_OPEN_DATA_LICENSE}],
        "sources": [{"title": s["title"], "licence": s["licence"], "records": s["records"]}
                    for s in source_list],
        "resources": [
            {"name": "manufacturers", "path": "manufacturers.csv", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
             "schema": {"fields": _schema(FIELDS), "primaryKey": ["public_id"]}},
            {"name": "capabilities", "path": "capabilities.csv", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
             "schema": {"fields": _schema(CAPABILITY_FIELDS),
                        "foreignKeys": [{"fields": ["manufacturer_public_id"],
                                         "reference": {"resource": "manufacturers",
                                                       "fields": ["public_id"]}}]}},
            {"name": "manufacturers-json", "path": "manufacturers.json", "format": "json",
             "mediatype": "application/json"},
            {"name": "manufacturers-geojson", "path": "manufacturers.geojson",
             "format": "geojson", "mediatype": "application/geo+json"},
        ],
    }
    (out_dir / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "README.md").write_text(_readme(version, source_list, len(firms)),
                                       encoding="utf-8")
    added = dict(events.publish(events.OPENDATA_WRITTEN, out_dir=out_dir))
    files = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())
    return {"version": version, "manufacturers": len(firms),
            "capabilities": sum(len(f["capabilities"]) for f in firms), "files": files,
            **added}


_LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
                 "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
                 "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/"}


def _readme(version: str, sources: list[dict[str, Any]], count: int) -> str:
    out = io.StringIO()
    out.write(f"# Shisaku manufacturer directory, version {version}\n\n")
    out.write(f"{count} firms. Licence: {settings.SHISAKU_OPEN_DATA_LICENSE} unless a source "
              "below says otherwise. Contact data is never published.\n\n")
    out.write("## Sources and attribution\n\n| source | records | licence | note |\n"
              "|---|---|---|---|\n")
    for s in sources:
        out.write(f"| {s['title']} | {s['records']} | {s['licence']} | {s['note']} |\n")
    for title, fields in (("manufacturers.csv", FIELDS),
                          ("capabilities.csv", CAPABILITY_FIELDS)):
        out.write(f"\n## {title}\n\n| field | type | meaning |\n|---|---|---|\n")
        for name, kind, description in fields:
            out.write(f"| {name} | {kind} | {description} |\n")
    out.write("\n`manufacturers.json` holds the same firms as objects with their "
              "capabilities; `manufacturers.geojson` their head offices as points "
              "(WGS 84, [lon, lat]). `datapackage.json` describes it all as a Frictionless "
              "Data Package.\n")
    return out.getvalue()
