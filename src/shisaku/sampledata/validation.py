"""Checks a manufacturer record (generated, imported or edited) against the taxonomy and ranges.

``validate_record`` never raises on bad data: it returns every problem as (field, reason)
so an importer can report all of a row's faults at once. Only ``name``, ``country`` and
``region`` are required; every other field is checked when present.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from shisaku import taxonomy

REQUIRED_FIELDS: tuple[str, ...] = ("name", "country", "region")
RECORD_KINDS: tuple[str, ...] = ("manufacturer", "maker_space")
PRICE_LEVEL_RANGE: tuple[float, float] = (0.7, 1.5)
FOUNDED_RANGE: tuple[int, int] = (1800, 2100)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE_LISTS: tuple[tuple[str, str], ...] = (
    ("stages", "stage"),
    ("product_fields", "product_field"),
    ("technologies", "technology"),
    ("certifications", "certification"),
    ("languages", "language"),
)
_VALID: dict[str, frozenset[str]] = {
    kind: frozenset(taxonomy.codes(kind))
    for kind in ("stage", "product_field", "technology", "certification", "language",
                 "process", "material", "country")
}
_DESCRIPTION_LANGS = frozenset(taxonomy.LANGUAGES)

Problem = tuple[str, str]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    kind = type(value)
    if kind is int:
        return True
    if kind is float:
        return math.isfinite(value)
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _check_codes(field: str, kind: str, value: Any, out: list[Problem]) -> None:
    if not isinstance(value, list):
        out.append((field, "must be a list of codes"))
        return
    valid = _VALID[kind]
    try:
        if valid.issuperset(value) and len(set(value)) == len(value):
            return  # the common case: known codes, no duplicates
    except TypeError:  # unhashable entries: reported below
        pass
    bad = [v for v in value if not isinstance(v, str) or v not in valid]
    if bad:
        out.append((field, f"unknown {kind} code(s): {', '.join(map(str, bad))}"))
    if len(set(map(str, value))) != len(value):
        out.append((field, "duplicate codes"))


def _check_optional_number(record: dict[str, Any], field: str, lo: float | None,
                           hi: float | None, out: list[Problem], *, integer: bool = False) -> None:
    if field not in record or record[field] is None:
        return
    value = record[field]
    if integer and not _is_int(value):
        out.append((field, "must be an integer or null"))
        return
    if not _is_number(value):
        out.append((field, "must be a number or null"))
        return
    if lo is not None and value < lo:
        out.append((field, f"must be >= {lo}"))
    if hi is not None and value > hi:
        out.append((field, f"must be <= {hi}"))


def _check_capability(index: int, cap: Any, out: list[Problem]) -> None:
    where = f"capabilities[{index}]"
    if not isinstance(cap, dict):
        out.append((where, "must be an object"))
        return
    process = cap.get("process")
    if not isinstance(process, str) or process not in _VALID["process"]:
        out.append((f"{where}.process", f"unknown process code: {process}"))
    materials = cap.get("materials", [])
    if materials is None:
        materials = []
    _check_codes(f"{where}.materials", "material", materials, out)
    min_lot, max_lot = cap.get("min_lot", 1), cap.get("max_lot")
    if not _is_int(min_lot) or min_lot < 1:
        out.append((f"{where}.min_lot", "must be an integer >= 1"))
        min_lot = None
    if max_lot is not None and (not _is_int(max_lot) or max_lot < 1):
        out.append((f"{where}.max_lot", "must be an integer >= 1 or null"))
        max_lot = None
    if min_lot is not None and max_lot is not None and min_lot > max_lot:
        out.append((f"{where}.min_lot", f"min_lot {min_lot} > max_lot {max_lot}"))
    envelope = cap.get("max_part_mm")
    if envelope is not None:
        if (not isinstance(envelope, list | tuple) or len(envelope) != 3
                or not all(_is_number(v) for v in envelope)):
            out.append((f"{where}.max_part_mm", "must be [x, y, z] in mm or null"))
        elif any(v <= 0 for v in envelope):
            out.append((f"{where}.max_part_mm", "sizes must be > 0 mm"))
    tolerance = cap.get("tolerance_mm")
    if tolerance is not None and (not _is_number(tolerance) or tolerance <= 0):
        out.append((f"{where}.tolerance_mm", "must be a number > 0 mm or null"))
    lead = cap.get("lead_time_days")
    if lead is not None and (not _is_int(lead) or lead < 0):
        out.append((f"{where}.lead_time_days", "must be an integer >= 0 or null"))


def _check_place(record: dict[str, Any], out: list[Problem]) -> None:
    country = record.get("country")
    if country is not None and (not isinstance(country, str) or country not in _VALID["country"]):
        out.append(("country", f"unknown country code: {country}"))
        country = None
    code = record.get("region")
    region = taxonomy.REGIONS.get(code) if isinstance(code, str) else None
    if code is not None and region is None:
        out.append(("region", f"unknown region code: {code}"))
    if region is not None and country is not None and region.country != country:
        out.append(("region", f"region {code} is not in country {country}"))
    block = record.get("block")
    if block is not None and block != "":
        if not isinstance(block, str) or block not in taxonomy.BLOCKS:
            out.append(("block", f"unknown block code: {block}"))
        elif region is not None and region.block != block:
            out.append(("block", f"region {code} belongs to block {region.block}, not {block}"))
    lat, lon = record.get("lat"), record.get("lon")
    if (lat is None) != (lon is None):
        out.append(("lat" if lat is None else "lon", "lat and lon must be given together"))
    if lat is not None and (not _is_number(lat) or not -90.0 <= lat <= 90.0):
        out.append(("lat", "must be a number in [-90, 90] degrees"))
    if lon is not None and (not _is_number(lon) or not -180.0 <= lon <= 180.0):
        out.append(("lon", "must be a number in [-180, 180] degrees"))


def _check_texts(record: dict[str, Any], out: list[Problem]) -> None:
    for field in ("name", "name_local", "city", "website", "equipment", "source"):
        if field in record and record[field] is not None and not isinstance(record[field], str):
            out.append((field, "must be text"))
    name = record.get("name")
    if isinstance(name, str) and not name.strip():
        out.append(("name", "must not be empty"))
    slug = record.get("slug")
    if slug is not None and (not isinstance(slug, str) or not _SLUG.match(slug)):
        out.append(("slug", "must be lower-case letters, digits and single hyphens"))
    website = record.get("website")
    if isinstance(website, str) and website and not website.startswith(("http://", "https://")):
        out.append(("website", "must start with http:// or https://"))
    description = record.get("description")
    if description is not None:
        if not isinstance(description, dict):
            out.append(("description", "must be an object of language -> text"))
        else:
            bad = [k for k, v in description.items()
                   if k not in _DESCRIPTION_LANGS or not isinstance(v, str)]
            if bad:
                out.append(("description", f"unknown language or non-text entry: {', '.join(map(str, bad))}"))


def validate_record(record: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the problems of a manufacturer record as (field, reason) pairs; [] when valid.

    Checks taxonomy codes (stages, product fields, technologies, certifications, languages,
    processes, materials, country, region, block), that the region lies in the country and
    block, lat / lon ranges (degrees), lot ranges (1 <= min_lot <= max_lot), positive part
    envelopes (mm) and tolerances (mm), and the ranges of the statistics (rating 1-5,
    price_level 0.7-1.5, counts >= 0). Nested fields are named like ``capabilities[2].min_lot``.
    """
    if not isinstance(record, dict):
        return [("", "record must be an object")]
    out: list[Problem] = []
    for field in REQUIRED_FIELDS:
        if record.get(field) in (None, ""):
            out.append((field, "is required"))
    if record.get("id") is not None and not _is_int(record["id"]):
        out.append(("id", "must be an integer or null"))
    kind = record.get("kind")
    if kind is not None and (not isinstance(kind, str) or kind not in RECORD_KINDS):
        out.append(("kind", f"must be one of {', '.join(RECORD_KINDS)}"))
    _check_texts(record, out)
    _check_place(record, out)
    for field, kind_code in _CODE_LISTS:
        if field in record and record[field] is not None:
            _check_codes(field, kind_code, record[field], out)
    for field in ("accepts_foreign", "startup_friendly", "synthetic"):
        if field in record and not isinstance(record[field], bool):
            out.append((field, "must be true or false"))
    capabilities = record.get("capabilities")
    if capabilities is not None:
        if not isinstance(capabilities, list):
            out.append(("capabilities", "must be a list"))
        else:
            for i, cap in enumerate(capabilities):
                _check_capability(i, cap, out)
    _check_optional_number(record, "reply_median_hours", 0.0, None, out)
    _check_optional_number(record, "rating", 1.0, 5.0, out)
    _check_optional_number(record, "rating_count", 0, None, out, integer=True)
    _check_optional_number(record, "startup_projects", 0, None, out, integer=True)
    _check_optional_number(record, "price_level", *PRICE_LEVEL_RANGE, out)
    _check_optional_number(record, "capacity_jobs", 1, None, out, integer=True)
    _check_optional_number(record, "employees", 1, None, out, integer=True)
    _check_optional_number(record, "founded", *FOUNDED_RANGE, out, integer=True)
    return out


def validate_records(records: Iterable[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """Problems of many records as (index, field, reason), in order."""
    return [(i, field, reason) for i, rec in enumerate(records)
            for field, reason in validate_record(rec)]
