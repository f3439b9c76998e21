"""Formula injection in every export (issue #11): a firm named ``=HYPERLINK(...)`` or a part
named ``+cmd`` stays text in the directory download, `shisaku export` and the RFQ comparison;
numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from shisaku.cli import main
from shisaku.core.spreadsheets import csv_cell, csv_cell_restore
from shisaku.directory.services import manufacturers_save
from shisaku.rfq import services
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines
from tests.factories import record

EVIL_NAME = '=HYPERLINK("http://evil.example/","cheapest")'
EVIL_OTHERS = ["+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", [EVIL_NAME, *EVIL_OTHERS])
def test_csv_cells_starting_with_a_trigger_get_a_quote(value: str) -> None:
    assert csv_cell(value) == "'" + value
    assert csv_cell_restore(csv_cell(value)) == value


@pytest.mark.parametrize("value", ["Daehan", "'quoted", -3.5, 12, None, "a=b"])
def test_other_cells_are_unchanged(value: Any) -> None:
    assert csv_cell(value) == value


def _dangerous_csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row
            if c.startswith(("=", "+", "@", "\t", "\r")) or (
                c.startswith("-") and not _is_number(c))]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _formula_cells(data: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(data))
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f" or ((isinstance(c.value, str) and c.value.startswith("="))
            and c.data_type != "s")]


@pytest.fixture
def evil_firms(db: Any) -> None:
    manufacturers_save(records=[
        record(EVIL_NAME, "KR-47", slug="evil", city="+cmd|' /C calc'!A0",
               equipment="@SUM(1+1)", lon=-3.5, lat=40.0),
        record("Plain Firm", "KR-11", slug="plain")])


@pytest.mark.django_db
def test_directory_download_csv_and_xlsx(evil_firms: None) -> None:
    client = Client()
    text = client.get("/manufacturers/download?format=csv").content.decode("utf-8-sig")
    assert "'" + EVIL_NAME.replace('"', '""') in text
    assert _dangerous_csv_cells(text) == []
    assert "-3.5" in text  # a negative number is not touched
    data = client.get("/manufacturers/download?format=xlsx").content
    assert _formula_cells(data) == []
    wb = load_workbook(io.BytesIO(data))
    names = [c.value for c in next(wb.active.iter_cols(min_col=2, max_col=2))]
    assert EVIL_NAME in names  # kept exactly, as text


@pytest.mark.django_db
def test_cli_export_csv_and_xlsx(evil_firms: None, tmp_path: Path, capsys: Any) -> None:
    out_csv, out_xlsx = tmp_path / "m.csv", tmp_path / "m.xlsx"
    assert main(["export", "manufacturers", "--format", "csv", "--out", str(out_csv)]) == 0
    assert main(["export", "manufacturers", "--format", "xlsx", "--out", str(out_xlsx)]) == 0
    assert _dangerous_csv_cells(out_csv.read_text("utf-8-sig")) == []
    assert _formula_cells(out_xlsx.read_bytes()) == []


@pytest.mark.django_db
def test_rfq_comparison_exports(settings: Any, tmp_path: Path) -> None:
    settings.HOME = tmp_path
    world = make_world()
    world.firms["alpha"].name = EVIL_NAME
    world.firms["alpha"].save(update_fields=["name"])
    world.parts[0].name = "=1+2"
    world.parts[0].save(update_fields=["name"])
    now = timezone.now()
    rfq, invitations = make_rfq(world, now=now)
    services.quote_submit(actor=world.makers["alpha"], invitation=invitations[0],
                          lines=quote_lines(world), currency="USD", lead_time_days=5,
                          valid_until=(now + dt.timedelta(days=9)).date())
    client = Client()
    client.force_login(world.owner)
    text = client.get(f"/rfqs/{rfq.pk}/compare?format=csv").content.decode()
    assert _dangerous_csv_cells(text) == [] and "'=1+2" in text
    data = client.get(f"/rfqs/{rfq.pk}/compare?format=xlsx").content
    assert _formula_cells(data) == []
    ws = load_workbook(io.BytesIO(data)).active
    assert EVIL_NAME in [c.value for c in ws["A"]]
    assert any(isinstance(c.value, float) for row in ws.iter_rows(min_row=2) for c in row)
