"""Export manufacturer pools as JSON (records), or as CSV / XLSX in the flat layout regional
centres keep: one row per firm and capability, the firm's columns repeated. Cells go through
core.spreadsheets (no cell can become a formula)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from shisaku.core.spreadsheets import csv_write, xlsx_append
from shisaku.directory.models import Manufacturer
from shisaku.directory.records import iter_records

FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LIST_COLUMNS = ("stages", "product_fields", "technologies", "certifications", "languages")
FIRM_COLUMNS = (
    "slug", "name", "name_local", "kind", "country", "region", "block", "city", "lat", "lon",
    *LIST_COLUMNS, "accepts_foreign", "startup_friendly", "employees", "founded", "website",
    "equipment", "description_en", "description_ko", "description_ja", "reply_median_hours",
    "rating", "rating_count", "startup_projects", "price_level", "capacity_jobs", "synthetic",
    "source",
)
CAPABILITY_COLUMNS = ("process", "materials", "min_lot", "max_lot", "max_part_mm",
                      "tolerance_mm", "lead_time_days")
FLAT_COLUMNS = (*FIRM_COLUMNS, *CAPABILITY_COLUMNS)
LIST_SEPARATOR = ";"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def flat_rows(records: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """Rows of FLAT_COLUMNS: one per capability (one with empty capability columns if none)."""
    for r in records:
        firm = []
        description = r.get("description") or {}
        for col in FIRM_COLUMNS:
            if col in LIST_COLUMNS:
                firm.append(LIST_SEPARATOR.join(r.get(col) or []))
            elif col.startswith("description_"):
                firm.append(description.get(col.removeprefix("description_"), ""))
            else:
                firm.append(_cell(r.get(col)))
        caps = r.get("capabilities") or [None]
        for cap in caps:
            if cap is None:
                yield [*firm, *([""] * len(CAPABILITY_COLUMNS))]
                continue
            envelope = cap.get("max_part_mm")
            yield [
                *firm, cap["process"], LIST_SEPARATOR.join(cap.get("materials") or []),
                cap["min_lot"], cap["max_lot"],
                "x".join(f"{d:g}" for d in envelope) if envelope else "",
                _cell(cap.get("tolerance_mm")), cap["lead_time_days"],
            ]


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: Any) -> int:
    """Write records to a binary stream ``out`` in ``fmt``; returns the number of firms."""
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for r in records:
            count += 1
            yield r

    if fmt == "json":
        out.write(b"[")
        for i, r in enumerate(counted()):
            out.write((b",\n" if i else b"\n") + json.dumps(r, ensure_ascii=False).encode())
        out.write(b"\n]\n")
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        csv_write(text, FLAT_COLUMNS, flat_rows(counted()))
        text.flush()
        text.detach()
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("manufacturers")
        xlsx_append(ws, list(FLAT_COLUMNS))
        for row in flat_rows(counted()):
            xlsx_append(ws, row)
        wb.save(out)
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return count


def export_bytes(queryset: QuerySet[Manufacturer], fmt: str) -> bytes:
    buffer = io.BytesIO()
    write_records(iter_records(queryset), fmt, buffer)
    return buffer.getvalue()


def records_in_order(ids: list[int], *, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """Records of ``ids`` in that order (the index's sort order), read in chunks by id."""
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        by_id = {r["id"]: r for r in iter_records(Manufacturer.objects.filter(id__in=part))}
        yield from (by_id[i] for i in part if i in by_id)


def export_ids(ids: list[int], fmt: str) -> bytes:
    """The open-data file of the firms ``ids``, in that order."""
    buffer = io.BytesIO()
    write_records(records_in_order(ids), fmt, buffer)
    return buffer.getvalue()
