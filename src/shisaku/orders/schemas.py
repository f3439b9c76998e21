"""Shapes of `/api/v1/orders`: money as decimal strings in the order's currency, dates as
ISO dates, quantities in pieces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict

__all__ = [
    "CancelIn",
    "ChangeDecisionIn",
    "ChangeIn",
    "ConfirmIn",
    "DisputeIn",
    "FirstArticleDecisionIn",
    "FirstArticleIn",
    "OrderOut",
    "OrderSummaryOut",
    "ReceiptIn",
    "ShipmentIn",
]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ConfirmIn(_In):
    promised_ship_date: dt.date


class FirstArticleIn(_In):
    note: str = ""


class FirstArticleDecisionIn(_In):
    approve: bool
    findings: str = ""


class ShipmentIn(_In):
    quantity: int
    shipped_on: dt.date
    carrier: str = ""
    tracking_number: str = ""


class ReceiptIn(_In):
    received_quantity: int
    note: str = ""


class CancelIn(_In):
    reason: str
    note: str = ""


class DisputeIn(_In):
    reason: str
    note: str = ""


class ChangeIn(_In):
    kind: str
    new_value: str
    line: int | None = None
    reason: str = ""


class ChangeDecisionIn(_In):
    accept: bool


class LineOut(Schema):
    id: int
    part: int
    part_name: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


class ShipmentOut(Schema):
    id: int
    quantity: int
    shipped_on: dt.date
    carrier: str
    tracking_number: str


class FirstArticleOut(Schema):
    attempt: int
    submitted_at: dt.datetime
    decision: str
    findings: str


class ChangeOut(Schema):
    id: int
    kind: str
    line: int | None
    old_value: str
    new_value: str
    proposed_by: str
    status: str


class OrderSummaryOut(Schema):
    id: int
    number: str
    rfq: int
    project: int
    manufacturer: dict[str, Any]
    status: str
    currency: str
    total: Decimal
    promised_ship_date: dt.date | None
    late: bool
    on_time: bool | None


class OrderOut(OrderSummaryOut):
    side: str | None
    tooling_cost: Decimal
    lead_time_days: int
    lines: list[LineOut]
    shipments: list[ShipmentOut]
    first_articles: list[FirstArticleOut]
    changes: list[ChangeOut]
    consortium_shares: list[dict[str, Any]]
    cancel_reason: str
    dispute_reason: str
