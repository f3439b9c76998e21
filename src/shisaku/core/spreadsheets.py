"""Spreadsheet cells that cannot become formulas: the one helper every export uses
(directory CSV / XLSX, `shisaku export`, the RFQ comparison).

A firm named ``=HYPERLINK("http://evil", "cheapest")`` must stay text beside its competitors'
prices. CSV has no cell types, so a text cell whose first character a spreadsheet reads as the
start of a formula (``= + - @``, tab, carriage return) gets a single quote in front (the
OWASP rule; the quote shows in the cell, documented in docs/OPERATIONS.md). Numbers are written
as numbers and never changed (``-3.5`` stays a number). In XLSX every text cell is written with
the text data type, never as a formula, and keeps its exact value.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

__all__ = ["FORMULA_TRIGGERS", "csv_cell", "csv_cell_restore", "csv_write", "xlsx_append"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text starting with a formula trigger gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_cell_restore(text: str) -> str:
    """The inverse for importers reading our own exports: ``'=x`` -> ``=x`` (only when the
    quote protects a trigger; any other leading quote is data)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def csv_write(text_stream: Any, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """Header and rows to a text stream, every cell through :func:`csv_cell`."""
    writer = csv.writer(text_stream)
    writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])


def xlsx_append(ws: Any, row: Sequence[Any]) -> None:
    """Append ``row`` to an openpyxl worksheet (normal or write-only): text as text cells
    (data type ``s``, never a formula), Decimals as numbers, None as empty."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        if isinstance(value, Decimal):
            value = float(value)
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    ws.append(cells)
