"""Hostile or oversized workbooks are refused quickly with a clear reason (issue #11: a 1.2 MB
file took 303 s). Each refusal is timed: well under a second on the shared 2-core machine."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from shisaku.cli import main
from shisaku.directory import import_files
from shisaku.directory.models import Manufacturer

pytestmark = pytest.mark.django_db

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORKBOOK = (f'<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
             'officeDocument/2006/relationships"><sheets><sheet name="Pool" sheetId="1" '
             'r:id="rId1"/></sheets></workbook>')
_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def workbook(sheet_rows: str, shared: str | None = None, *, dimension: str | None = None) -> bytes:
    """A minimal XLSX written by hand (the way an attacker would)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _RELS)
        zf.writestr("xl/worksheets/sheet1.xml",
                    f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>{sheet_rows}</sheetData>'
                    "</worksheet>")
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", shared)
    return buf.getvalue()


def inline_row(r: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'


HEAD = inline_row(1, ["name", "country", "region"])


def refused(tmp_path: Path, capsys: Any, data: bytes) -> tuple[float, dict[str, Any]]:
    path = tmp_path / "pool.xlsx"
    path.write_bytes(data)
    started = time.perf_counter()
    code = main(["import", "manufacturers", str(path), "--dry-run"])
    elapsed = time.perf_counter() - started
    assert code == 2
    return elapsed, {"err": capsys.readouterr().err}


def test_hand_written_workbook_without_dimension_loads(tmp_path: Path, capsys: Any) -> None:
    rows = HEAD + inline_row(2, ["Daehan", "KR", "KR-47"]) + inline_row(4, ["", "", ""])
    path = tmp_path / "ok.xlsx"
    path.write_bytes(workbook(rows))
    assert main(["import", "manufacturers", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 1
    assert Manufacturer.objects.get().name == "Daehan"


def test_billion_laughs_is_refused_at_once(tmp_path: Path, capsys: Any) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10))
    shared = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
              f'<sst xmlns="{_MAIN}"><si><t>&lol9;</t></si></sst>')
    rows = HEAD + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    elapsed, out = refused(tmp_path, capsys, workbook(rows, shared))
    assert elapsed < 2.0
    assert "not a readable XLSX" in out["err"] and "DTD" in out["err"]


def test_far_away_cell_without_dimension_is_refused(tmp_path: Path, capsys: Any) -> None:
    """The sheet names the last cell of Excel's grid and no <dimension>: a reader that fills
    the gaps builds 17 billion cells."""
    rows = HEAD + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    elapsed, out = refused(tmp_path, capsys, workbook(rows))
    assert elapsed < 2.0 and "columns" in out["err"]


def test_zip_bomb_is_refused_before_it_expands(tmp_path: Path, capsys: Any) -> None:
    padding = " " * (30 * 1024 * 1024)  # 30 MB of blanks deflate to some 30 KB
    data = workbook(HEAD + padding)
    assert len(data) < 200_000
    elapsed, out = refused(tmp_path, capsys, data)
    assert elapsed < 2.0 and "zip bomb" in out["err"]


def test_too_many_rows_are_refused_while_reading(tmp_path: Path, capsys: Any,
                                                 monkeypatch: Any) -> None:
    monkeypatch.setattr(import_files, "MAX_ROWS", 50)
    rows = HEAD + "".join(inline_row(r, [f"Firm {r}", "KR", "KR-47"]) for r in range(2, 80))
    elapsed, out = refused(tmp_path, capsys, workbook(rows))
    assert elapsed < 2.0 and "more than 50 rows" in out["err"]


def test_openpyxl_workbooks_still_load(tmp_path: Path, capsys: Any) -> None:
    """What Excel-like writers produce: shared strings, numbers, booleans, a blank row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "name_local", "country", "region", "accepts_foreign", "process",
               "max_lot", "lat", "lon"])
    ws.append(["Hanbit", "한빛정밀", "KR", "KR-47", True, "cnc_milling", 5000, 36.1, 128.3])
    ws.append([None] * 9)
    ws.append(["Yamada", "山田製作所", "JP", "JP-26", False, "cnc_turning", 200, None, None])
    path = tmp_path / "pool.xlsx"
    wb.save(path)
    assert main(["import", "manufacturers", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 2
    hanbit = Manufacturer.objects.get(name="Hanbit")
    assert hanbit.accepts_foreign and hanbit.name_local == "한빛정밀" and hanbit.lat == 36.1
    assert hanbit.capabilities.get().max_lot == 5000
