"""Import manufacturer pools from CSV (UTF-8, CP949, Shift_JIS), XLSX or JSON.

Every row is checked first and every problem reported with its line, field and reason; only a
file without problems is saved, in one transaction (a bad file changes nothing).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from shisaku import taxonomy
from shisaku.directory.exporter import (
    CAPABILITY_COLUMNS,
    FIRM_COLUMNS,
    LIST_COLUMNS,
    LIST_SEPARATOR,
)
from shisaku.errors import InputError

MAX_IMPORT_BYTES = 200 * 1024 * 1024
ENCODINGS = ("utf-8", "cp949", "shift_jis")
_BOOL = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False,
         "no": False, "n": False, "": None}
_INT_FIELDS = ("employees", "founded", "rating_count", "startup_projects", "capacity_jobs")
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
    rows: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    dry_run: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.fmt, "encoding": self.encoding, "rows": self.rows,
                "manufacturers": len(self.records), "created": self.created,
                "updated": self.updated, "dry_run": self.dry_run,
                "errors": [e.as_dict() for e in self.errors]}


# -- reading files ------------------------------------------------------------------------------
def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding used: the given one, else UTF-8, else CP949 / Shift_JIS by detection."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError("encoding", f"the file is not valid {encoding}: {exc}") from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Legacy spreadsheets: Korean offices save CP949, Japanese ones Shift_JIS. Of the two
    # strict decodings, keep the one whose non-ASCII text is mostly in its own script.
    scored = []
    for name in ("cp949", "shift_jis"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        scored.append((_script_share(text, name), name, text))
    if not scored:
        raise InputError("encoding", "cannot tell the encoding; give --encoding "
                         "(utf-8, cp949 or shift_jis)")
    _score, name, text = max(scored)
    return text, name


def _script_share(text: str, encoding: str) -> float:
    """Share of non-ASCII characters that belong to the script ``encoding`` is made for."""
    def korean(c: str) -> bool:
        return "\uac00" <= c <= "\ud7a3" or "\u3130" <= c <= "\u318f"

    def japanese(c: str) -> bool:
        return "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" or c in "\u3000\u3001\u3002"

    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 1.0
    test = korean if encoding == "cp949" else japanese
    return sum(1 for c in wide if test(c)) / len(wide)


def _flat_rows_from_csv(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _check_header(reader.fieldnames or [])
    for row in reader:
        if None in row:
            raise InputError("file", f"line {reader.line_num}: more cells than columns")
        yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items()}


def _flat_rows_from_xlsx(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > 20 * MAX_IMPORT_BYTES // 10:
                raise InputError("file", "the workbook expands to more than the import limit")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError("file", f"not a readable XLSX workbook: {exc}") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    _check_header(header)
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {h: ("" if v is None else str(v).strip()) for h, v in zip(header, values, strict=False) if h}
        yield number, cells


def _check_header(header: list[str]) -> None:
    names = {h.strip() for h in header if h}
    problems = []
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    unknown = sorted(names - set(FIRM_COLUMNS) - set(CAPABILITY_COLUMNS) - {"id"})
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if problems:
        raise InputError("header", "; ".join(problems) + "; expected columns: "
                         + ", ".join((*FIRM_COLUMNS, *CAPABILITY_COLUMNS)))


# -- rows to records ----------------------------------------------------------------------------
def _number(kind: type, value: str, name: str, errors: list[tuple[str, str]]) -> Any:
    if value == "":
        return None
    try:
        return kind(float(value)) if kind is int and float(value).is_integer() else kind(value)
    except ValueError:
        errors.append((name, f"{value!r} is not a {'whole ' if kind is int else ''}number"))
        return None


def _firm_from_cells(cells: dict[str, str], errors: list[tuple[str, str]]) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    for col in FIRM_COLUMNS:
        value = cells.get(col, "")
        if col in LIST_COLUMNS:
            rec[col] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        elif col in ("accepts_foreign", "startup_friendly", "synthetic"):
            if value.lower() not in _BOOL:
                errors.append((col, f"{value!r} is not true or false"))
            rec[col] = bool(_BOOL.get(value.lower()))
        elif col in _INT_FIELDS:
            rec[col] = _number(int, value, col, errors)
        elif col in _FLOAT_FIELDS:
            rec[col] = _number(float, value, col, errors)
        elif not col.startswith("description_"):
            rec[col] = value
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
            errors.append(("max_part_mm", f"{cells['max_part_mm']!r} is not three sizes "
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


def _slug_for(rec: dict[str, Any]) -> str:
    """An ASCII slug from the name and region; names in Hangul or Kanji get a stable hash."""
    import hashlib

    base = slugify(f"{rec.get('name', '')}", allow_unicode=False)[:120]
    region = slugify(str(rec.get("region") or ""))
    if not base:
        digest = hashlib.sha1(str(rec.get("name", "")).encode(), usedforsecurity=False)
        base = f"firm-{digest.hexdigest()[:10]}"
    return f"{base}-{region}" if region else base


def _records_from_flat(rows: Iterator[tuple[int, dict[str, str]]],
                       report: ImportReport) -> list[tuple[list[int], dict[str, Any]]]:
    firms: dict[str, tuple[list[int], dict[str, Any], tuple[Any, ...]]] = {}
    seen_rows: dict[tuple[str, ...], int] = {}
    for line, cells in rows:
        report.rows += 1
        key_row = tuple(cells.get(c, "") for c in (*FIRM_COLUMNS, *CAPABILITY_COLUMNS))
        if key_row in seen_rows:
            report.errors.append(RowError(line, "row", f"duplicate of line {seen_rows[key_row]}"))
            continue
        seen_rows[key_row] = line
        errors: list[tuple[str, str]] = []
        firm = _firm_from_cells(cells, errors)
        cap = _capability_from_cells(cells, errors)
        firm["slug"] = firm.get("slug") or _slug_for(firm)
        firm_key = tuple(cells.get(c, "") for c in FIRM_COLUMNS if c != "slug")
        for f, reason in errors:
            report.errors.append(RowError(line, f, reason))
        if firm["slug"] in firms:
            lines, rec, first_key = firms[firm["slug"]]
            if first_key != firm_key:
                report.errors.append(RowError(
                    line, "slug", f"{firm['slug']!r} appears with other firm details on "
                    f"line {lines[0]}"))
                continue
            lines.append(line)
        else:
            firm["capabilities"] = []
            firms[firm["slug"]] = ([line], firm, firm_key)
            lines, rec = firms[firm["slug"]][0], firm
        if cap is not None:
            rec["capabilities"].append(cap)
    return [(lines, rec) for lines, rec, _k in firms.values()]


def _records_from_json(data: bytes, report: ImportReport) -> list[tuple[list[int], dict[str, Any]]]:
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("file", f"not valid UTF-8 JSON: {exc}") from None
    if isinstance(parsed, dict) and isinstance(parsed.get("manufacturers"), list):
        parsed = parsed["manufacturers"]
    if not isinstance(parsed, list):
        raise InputError("file", "expected a JSON list of manufacturer objects")
    out = []
    slugs: dict[str, int] = {}
    for number, rec in enumerate(parsed, start=1):
        report.rows += 1
        if not isinstance(rec, dict):
            report.errors.append(RowError(number, "record", "not a JSON object"))
            continue
        rec = dict(rec)
        rec.pop("id", None)
        rec["slug"] = rec.get("slug") or _slug_for(rec)
        if rec["slug"] in slugs:
            report.errors.append(RowError(number, "slug", f"{rec['slug']!r} repeats record "
                                          f"{slugs[rec['slug']]}"))
            continue
        slugs[rec["slug"]] = number
        rec.setdefault("capabilities", [])
        out.append(([number], rec))
    return out


_CAP_INDEX = re.compile(r"capabilities\W*(\d+)")


def _check_record(lines: list[int], rec: dict[str, Any], report: ImportReport) -> None:
    from shisaku.sampledata import validate_record

    problems: list[tuple[str, str]] = []
    for col in _REQUIRED:
        if not rec.get(col):
            problems.append((col, "required"))
    if not problems:
        try:
            problems.extend(validate_record({**rec, "id": 0,
                                             "block": rec.get("block") or
                                             _block_of(rec.get("region"))}))
        except Exception as exc:  # a malformed value that the checker could not even read
            problems.append(("record", f"cannot be read: {exc}"))
    for fname, reason in problems:
        line = lines[0]
        m = _CAP_INDEX.search(fname)
        if m and int(m.group(1)) < len(lines):
            line = lines[int(m.group(1))]
        report.errors.append(RowError(line, fname, reason))


def _block_of(region: Any) -> str:
    r = taxonomy.REGIONS.get(str(region or ""))
    return r.block if r else ""


def _fill_defaults(rec: dict[str, Any]) -> dict[str, Any]:
    region = taxonomy.REGIONS.get(rec["region"])
    if region is not None:
        rec["block"] = rec.get("block") or region.block
        if rec.get("lat") is None or rec.get("lon") is None:
            rec["lat"], rec["lon"] = region.lat, region.lon
    rec.setdefault("kind", "manufacturer")
    rec["kind"] = rec.get("kind") or "manufacturer"
    return rec


def read_pool(path: Path, *, fmt: str | None = None, encoding: str | None = None) -> ImportReport:
    """Parse and check a file; the report holds the records and every problem found."""
    if not path.is_file():
        raise InputError("file", f"no such file: {path.name}")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise InputError("file", f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "xlsx", "json"):
        raise InputError("format", f"unsupported format {fmt!r}; use csv, xlsx or json")
    data = path.read_bytes()
    report = ImportReport(fmt=fmt)
    if fmt == "json":
        report.encoding = "utf-8"
        pairs = _records_from_json(data, report)
    elif fmt == "csv":
        text, report.encoding = decode(data, encoding)
        pairs = _records_from_flat(_flat_rows_from_csv(text), report)
    else:
        pairs = _records_from_flat(_flat_rows_from_xlsx(data), report)
    for lines, rec in pairs:
        before = len(report.errors)
        _check_record(lines, _fill_defaults(rec) if rec.get("region") else rec, report)
        if len(report.errors) == before:
            report.records.append(rec)
    if not pairs and not report.errors:
        report.errors.append(RowError(0, "file", "no manufacturer rows"))
    report.errors.sort(key=lambda e: (e.line, e.field))
    return report


def import_pool(path: Path, *, fmt: str | None = None, encoding: str | None = None,
                dry_run: bool = False, actor: Any = None) -> ImportReport:
    """Check a file and, unless ``dry_run`` or it has problems, save all of it at once."""
    from shisaku.directory.services import manufacturers_save

    report = read_pool(path, fmt=fmt, encoding=encoding)
    report.dry_run = dry_run or bool(report.errors)
    if not report.dry_run:
        summary = manufacturers_save(records=report.records, actor=actor,
                                     action="directory.import")
        report.created, report.updated = summary.created, summary.updated
    return report
