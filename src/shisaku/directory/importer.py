"""Import manufacturer pools from CSV (UTF-8, CP949, Shift_JIS …), XLSX or JSON.

Every row is checked first -- taxonomy codes, ranges, the database's own column constraints,
registration numbers and who the row is (import_checks.py) -- and every problem reported with
its line, field and reason; only a file without problems is saved, in one transaction (a bad
file changes nothing), so a dry run that says "would load" is a promise the real run keeps.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from shisaku import taxonomy
from shisaku.core.text import nfc_deep
from shisaku.directory.bulk import gc_paused
from shisaku.directory.choices import DuplicatePolicy
from shisaku.directory.exporter import (
    CAPABILITY_COLUMNS,
    FIRM_COLUMNS,
    LIST_COLUMNS,
    LIST_SEPARATOR,
)
from shisaku.directory.import_checks import (
    Directory,
    Duplicate,
    database_problems,
    registration_number_clean,
    resolve_identities,
    text_may_be_bad,
)
from shisaku.directory.import_files import (
    ENCODINGS,
    MAX_IMPORT_BYTES,
    decode,
    rows_from_csv,
    rows_from_xlsx,
)
from shisaku.errors import InputError

__all__ = ["ENCODINGS", "FORMATS", "IMPORT_COLUMNS", "ImportReport", "RowError",
           "import_bytes", "import_pool", "read_bytes", "read_pool"]

FORMATS = ("csv", "xlsx", "json")
# Columns an import reads beyond the open-data export: identity and private contact columns
# (never exported).
IMPORT_ONLY_COLUMNS = ("id", "registration_number", "contact_email", "contact_phone")
IMPORT_COLUMNS = (*FIRM_COLUMNS, *IMPORT_ONLY_COLUMNS, *CAPABILITY_COLUMNS)
SAMPLE_NAMES = 8
_FIRM_FIELDS = (*FIRM_COLUMNS, *IMPORT_ONLY_COLUMNS)
# In the JSON export, computed by the platform from what happened (shisaku.orders): an import
# accepts and ignores them.
COMPUTED_FIELDS = frozenset({"on_time_rate", "delivered_orders"})
_BOOL = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False,
         "no": False, "n": False, "": None}
_INT_FIELDS = ("id", "employees", "founded", "rating_count", "startup_projects", "capacity_jobs")
_FLOAT_FIELDS = ("lat", "lon", "reply_median_hours", "rating", "price_level")
_REQUIRED = ("name", "country", "region")


@dataclass
class RowError:
    line: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class ImportReport:
    fmt: str
    encoding: str = ""
    encoding_confidence: float = 1.0
    encoding_alternatives: tuple[tuple[str, float], ...] = ()
    rows: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    to_create: int = 0
    to_update: int = 0
    dry_run: bool = True
    sha256: str = ""
    batch_id: int | None = None
    # False when the whole file's text was found free of NUL bytes, controls and broken
    # characters: the per-value search is then skipped.
    check_text: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.fmt, "encoding": self.encoding,
                "encoding_confidence": self.encoding_confidence,
                "encoding_alternatives": [list(a) for a in self.encoding_alternatives],
                "rows": self.rows, "manufacturers": len(self.records),
                "to_create": self.to_create, "to_update": self.to_update,
                "created": self.created, "updated": self.updated, "dry_run": self.dry_run,
                "sample": self.sample, "duplicates": [d.as_dict() for d in self.duplicates],
                "errors": [e.as_dict() for e in self.errors], "sha256": self.sha256,
                "batch": self.batch_id}


# -- header and cells ---------------------------------------------------------------------------
def _check_header(header: list[str]) -> None:
    names = {h.strip() for h in header if h}
    problems = []
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        problems.append(gettext("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    unknown = sorted(names - set(IMPORT_COLUMNS))
    if unknown:
        problems.append(gettext("unknown column(s): %(names)s") % {"names": ", ".join(unknown)})
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        problems.append(gettext("repeated column(s): %(names)s")
                        % {"names": ", ".join(repeated)})
    if problems:
        raise InputError("header", gettext("%(problems)s; expected columns: %(names)s")
                         % {"problems": "; ".join(problems), "names": ", ".join(IMPORT_COLUMNS)})


def _number(kind: type, value: str, name: str, errors: list[tuple[str, str]]) -> Any:
    if value == "":
        return None
    try:
        number = float(value)
        if kind is int:
            if not number.is_integer():
                raise ValueError(value)
            return int(value) if value.lstrip("+-").isdigit() else int(number)
        return number
    except (ValueError, OverflowError):
        errors.append((name, f"{value[:40]!r} is not a {'whole ' if kind is int else ''}number"))
        return None


def _firm_from_cells(cells: dict[str, str], errors: list[tuple[str, str]]) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    for col in _FIRM_FIELDS:
        if col not in cells:
            continue
        value = cells[col]
        if col in LIST_COLUMNS:
            rec[col] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        elif col in ("accepts_foreign", "startup_friendly", "synthetic"):
            if value.lower() not in _BOOL:
                errors.append((col, f"{value[:40]!r} is not true or false"))
            rec[col] = bool(_BOOL.get(value.lower()))
        elif col in _INT_FIELDS:
            rec[col] = _number(int, value, col, errors)
        elif col in _FLOAT_FIELDS:
            rec[col] = _number(float, value, col, errors)
        elif not col.startswith("description_"):
            rec[col] = value
    if any(f"description_{lang}" in cells for lang in taxonomy.LANGUAGES):
        rec["description"] = {lang: cells[f"description_{lang}"] for lang in taxonomy.LANGUAGES
                              if cells.get(f"description_{lang}")}
    return rec


def _capability_from_cells(cells: dict[str, str],
                           errors: list[tuple[str, str]]) -> dict[str, Any] | None:
    if not cells.get("process"):
        if any(cells.get(c) for c in CAPABILITY_COLUMNS):
            errors.append(("process", "a capability row needs a process"))
        return None
    envelope = None
    if cells.get("max_part_mm"):
        parts = re.split(r"\s*[x×,]\s*", cells["max_part_mm"].lower())
        try:
            envelope = [float(p) for p in parts]
        except ValueError:
            envelope = None
        if envelope is None or len(envelope) != 3:
            errors.append(("max_part_mm", f"{cells['max_part_mm'][:40]!r} is not three sizes "
                           "like 600x400x300"))
            envelope = None
    return {
        "process": cells["process"],
        "materials": [m.strip() for m in cells.get("materials", "").split(LIST_SEPARATOR)
                      if m.strip()],
        "min_lot": _number(int, cells.get("min_lot", ""), "min_lot", errors) or 1,
        "max_lot": _number(int, cells.get("max_lot", ""), "max_lot", errors) or 1_000_000,
        "max_part_mm": envelope,
        "tolerance_mm": _number(float, cells.get("tolerance_mm", ""), "tolerance_mm", errors),
        "lead_time_days": _number(int, cells.get("lead_time_days", ""), "lead_time_days",
                                  errors) or 14,
    }


def _firm_key(cells: dict[str, str]) -> tuple[Any, ...]:
    """Which firm a flat row belongs to: its explicit key when it has one, else the whole
    of its firm columns (the layout repeats them on every capability row)."""
    for col in ("id", "slug", "registration_number"):
        if cells.get(col):
            return (col, cells[col], cells.get("country", ""))
    return ("row", *(cells.get(c, "") for c in _FIRM_FIELDS))


def _records_from_flat(rows: Iterator[tuple[int, dict[str, str]]],
                       report: ImportReport) -> list[tuple[list[int], dict[str, Any]]]:
    firms: dict[tuple[Any, ...], tuple[list[int], dict[str, Any], tuple[Any, ...]]] = {}
    seen_rows: dict[tuple[str, ...], int] = {}
    given: frozenset[str] | None = None
    caps_given = True
    for line, cells in rows:
        if given is None:
            given = frozenset(_given_fields(cells))
            caps_given = any(c in cells for c in CAPABILITY_COLUMNS)
        report.rows += 1
        key_row = tuple(cells.get(c, "") for c in IMPORT_COLUMNS)
        if key_row in seen_rows:
            report.errors.append(RowError(line, "row", f"duplicate of line {seen_rows[key_row]}"))
            continue
        seen_rows[key_row] = line
        errors: list[tuple[str, str]] = []
        firm = _firm_from_cells(cells, errors)
        cap = _capability_from_cells(cells, errors)
        details = tuple(cells.get(c, "") for c in _FIRM_FIELDS)
        for f, reason in errors:
            report.errors.append(RowError(line, f, reason))
        key = _firm_key(cells)
        if key in firms:
            lines, rec, first = firms[key]
            if first != details:
                report.errors.append(RowError(
                    line, key[0], f"{key[1]!r} appears with other firm details on line "
                    f"{lines[0]}"))
                continue
            lines.append(line)
        else:
            firm["capabilities"] = []
            firm["_given"], firm["_caps_given"] = given, caps_given
            firms[key] = ([line], firm, details)
            rec = firm
        if cap is not None:
            rec["capabilities"].append(cap)
    return [(lines, rec) for lines, rec, _d in firms.values()]


def _given_fields(cells: dict[str, str]) -> set[str]:
    out = {c for c in cells if c in _FIRM_FIELDS and not c.startswith("description_")}
    if any(c.startswith("description_") for c in cells):
        out.add("description")
    return out


def _records_from_json(data: bytes, report: ImportReport) -> list[tuple[list[int], dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
        parsed = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError("file", gettext("not valid UTF-8 JSON: %(exc)s") % {"exc": exc}) from None
    report.check_text = text_may_be_bad(text)
    # Escapes may spell decomposed text; otherwise a composed file needs no per-value pass.
    composed = "\\u" not in text and unicodedata.is_normalized("NFC", text)
    del text
    if isinstance(parsed, dict) and isinstance(parsed.get("manufacturers"), list):
        parsed = parsed["manufacturers"]
    if not isinstance(parsed, list):
        raise InputError("file", gettext("expected a JSON list of manufacturer objects"))
    out = []
    allowed = {*_FIRM_FIELDS, "description", "capabilities"} - {
        f"description_{lang}" for lang in taxonomy.LANGUAGES}
    for number, rec in enumerate(parsed, start=1):
        report.rows += 1
        if not isinstance(rec, dict):
            report.errors.append(RowError(number, "record", "not a JSON object"))
            continue
        if not composed:
            rec = nfc_deep(rec)
        # Figures an export carries but only the platform computes (from orders): not imported.
        rec = {k: v for k, v in rec.items() if k not in COMPUTED_FIELDS}
        unknown = sorted(str(k) for k in rec if k not in allowed)
        if unknown:
            report.errors.append(RowError(number, "record",
                                          f"unknown field(s): {', '.join(unknown)[:200]}"))
            continue
        rec["_given"] = frozenset(k for k in rec if k != "capabilities")
        rec["_caps_given"] = "capabilities" in rec
        rec["capabilities"] = rec.get("capabilities") or []
        out.append(([number], rec))
    return out


# -- checks -------------------------------------------------------------------------------------
_CAP_INDEX = re.compile(r"capabilities\W*(\d+)")


def _check_record(lines: list[int], rec: dict[str, Any], report: ImportReport) -> bool:
    from shisaku.sampledata import validate_record

    problems: list[tuple[str, str]] = []
    for col in _REQUIRED:
        if not rec.get(col):
            problems.append((col, "required"))
    if not problems:
        # The slug is checked below (any script, not only ASCII), and so is the number.
        plain = {k: v for k, v in rec.items()
                 if not k.startswith("_") and k not in ("slug", "registration_number")}
        try:
            plain["id"] = None
            plain["block"] = rec.get("block") or _block_of(rec.get("region"))
            problems.extend(validate_record(plain))
            problems.extend(database_problems(rec, check_text=report.check_text))
        except Exception as exc:  # a malformed value that the checker could not even read
            problems.append(("record", f"cannot be read: {exc}"))
    number = rec.get("registration_number")
    if number and isinstance(number, str) and not problems:
        rec["registration_number"], problem = registration_number_clean(
            number, str(rec.get("country") or ""))
        if problem:
            problems.append(("registration_number", f"{number[:40]!r}: {problem}"))
    elif number not in (None, "") and not isinstance(number, str):
        problems.append(("registration_number", "must be text"))
    if rec.get("id") not in (None, "") and (not isinstance(rec["id"], int)
                                            or isinstance(rec["id"], bool)):
        problems.append(("id", "must be a whole number"))
    for fname, reason in problems:
        line = lines[0]
        m = _CAP_INDEX.search(fname)
        if m and int(m.group(1)) < len(lines):
            line = lines[int(m.group(1))]
        report.errors.append(RowError(line, fname, reason))
    return not problems


def _block_of(region: Any) -> str:
    r = taxonomy.REGIONS.get(str(region or ""))
    return r.block if r else ""


def _fill_defaults(rec: dict[str, Any], source: str) -> dict[str, Any]:
    region = taxonomy.REGIONS.get(rec["region"])
    if region is not None:
        rec["block"] = rec.get("block") or region.block
        if rec.get("lat") is None or rec.get("lon") is None:
            rec["lat"], rec["lon"] = region.lat, region.lon
    rec["kind"] = rec.get("kind") or "manufacturer"
    if source and not rec.get("source"):
        # Imported firms carry the batch's source for attribution.
        rec["source"] = source[:200]
        if rec.get("_given") is not None:
            rec["_given"] = rec["_given"] | {"source"}
    if rec.get("_given") is not None:
        rec["_given"] = rec["_given"] | {"block", "lat", "lon", "kind"}
    return rec


def read_bytes(data: bytes, *, fmt: str, encoding: str | None = None,
               duplicates: str = DuplicatePolicy.REFUSE, source: str = "") -> ImportReport:
    """Parse and check a pool file's bytes; the report holds the records and every problem.

    Identity is settled here against the stored directory (import_checks.resolve_identities),
    so the dry run shows what a load would create, update and refuse.
    """
    # A pool's records are millions of objects, none of them garbage: collecting while they
    # are made (json.loads alone: 18 s instead of 8 s for 100,000 firms) finds nothing.
    with gc_paused():
        return _read_bytes(data, fmt=fmt, encoding=encoding, duplicates=duplicates,
                           source=source)


def _read_bytes(data: bytes, *, fmt: str, encoding: str | None, duplicates: str,
                source: str) -> ImportReport:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise InputError("format", gettext("unsupported format %(fmt)s; use csv, xlsx or json") % {"fmt": repr(fmt)})
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError("file", gettext("larger than %(mb)s MB") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    if duplicates not in DuplicatePolicy.values:
        raise InputError("duplicates", gettext("use one of %(codes)s") % {"codes": ', '.join(DuplicatePolicy.values)})
    report = ImportReport(fmt=fmt, sha256=hashlib.sha256(data).hexdigest())
    if fmt == "json":
        report.encoding = "utf-8"
        pairs = _records_from_json(data, report)
    elif fmt == "csv":
        decoded = decode(data, encoding)
        report.encoding = decoded.encoding
        report.encoding_confidence = decoded.confidence
        report.encoding_alternatives = decoded.alternatives
        report.check_text = text_may_be_bad(decoded.text)
        pairs = _records_from_flat(rows_from_csv(decoded.text, _check_header), report)
    else:
        pairs = _records_from_flat(rows_from_xlsx(data, _check_header), report)
    report.sample = [{"line": lines[0], "name": str(rec.get("name", ""))[:200],
                      "name_local": str(rec.get("name_local", "") or "")[:200]}
                     for lines, rec in pairs[:SAMPLE_NAMES]]
    valid = []
    for lines, rec in pairs:
        if rec.get("region"):
            _fill_defaults(rec, source)
        if _check_record(lines, rec, report):
            valid.append((lines, rec))
    problems, report.duplicates = resolve_identities(valid, policy=duplicates,
                                                     directory=Directory.load())
    report.errors.extend(RowError(*p) for p in problems)
    failed = {e.line for e in report.errors}
    report.records = [rec for lines, rec in valid if lines[0] not in failed]
    report.to_update = sum(1 for r in report.records if r.get("_pk"))
    report.to_create = len(report.records) - report.to_update
    if not pairs and not report.errors:
        report.errors.append(RowError(0, "file", "no manufacturer rows"))
    report.errors.sort(key=lambda e: (e.line, e.field))
    return report


def read_pool(path: Path, *, fmt: str | None = None, encoding: str | None = None,
              duplicates: str = DuplicatePolicy.REFUSE, source: str = "") -> ImportReport:
    """Parse and check a file (see read_bytes)."""
    if not path.is_file():
        raise InputError("file", gettext("no such file: %(name)s") % {"name": path.name})
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise InputError("file", gettext("larger than %(mb)s MB") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError("format", gettext("unsupported format %(fmt)s; use csv, xlsx or json") % {"fmt": repr(fmt)})
    return read_bytes(path.read_bytes(), fmt=fmt, encoding=encoding, duplicates=duplicates,
                      source=source)


def import_bytes(data: bytes, *, fmt: str, file_name: str, encoding: str | None = None,
                 dry_run: bool = False, duplicates: str = DuplicatePolicy.REFUSE,
                 source: str = "", actor: Any = None, organisation: Any = None) -> ImportReport:
    """Check a file and, unless ``dry_run`` or it has problems, load all of it at once and
    keep the load as an ImportBatch."""
    from shisaku.directory.services import import_batch_record

    report = read_bytes(data, fmt=fmt, encoding=encoding, duplicates=duplicates,
                        source=source)
    report.dry_run = dry_run or bool(report.errors)
    if not report.dry_run:
        batch = import_batch_record(report=report, file_name=file_name, source=source,
                                    actor=actor, organisation=organisation,
                                    duplicates=duplicates)
        report.batch_id = batch.pk
    return report


def import_pool(path: Path, *, fmt: str | None = None, encoding: str | None = None,
                dry_run: bool = False, duplicates: str = DuplicatePolicy.REFUSE,
                source: str = "", actor: Any = None) -> ImportReport:
    """Check a file and, unless ``dry_run`` or it has problems, save all of it at once."""
    if not path.is_file():
        raise InputError("file", gettext("no such file: %(name)s") % {"name": path.name})
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise InputError("file", gettext("larger than %(mb)s MB") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError("format", gettext("unsupported format %(fmt)s; use csv, xlsx or json") % {"fmt": repr(fmt)})
    return import_bytes(path.read_bytes(), fmt=fmt, file_name=path.name, encoding=encoding,
                        dry_run=dry_run, duplicates=duplicates,
                        source=source or f"import of {path.name}", actor=actor)
