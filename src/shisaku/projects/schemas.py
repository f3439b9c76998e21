"""API schemas of projects (ninja / pydantic). Inputs are loose on purpose: the services
validate every value and answer 422 with the field and the reason."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: Any


class MissingOut(Schema):
    field: str
    label: str
    why: str


class PartFileOut(Schema):
    id: int
    kind: str
    original_name: str
    size_bytes: int
    sha256: str
    detected_type: str
    uploaded_at: datetime.datetime


class PartIn(Schema):
    name: str | None = None
    quantity_per_unit: Any = None
    process_hints: Any = None
    material: str | None = None
    finish: str | None = None
    tolerance_class: str | None = None
    tolerance_mm: Any = None
    notes: str | None = None
    spec: Any = None


class PartOut(Schema):
    id: int
    project_id: int
    name: str
    quantity_per_unit: int
    process_hints: list[str]
    material: str
    finish: str
    tolerance_class: str
    tolerance_mm: float | None
    notes: str
    spec: dict[str, Any]
    files: list[PartFileOut]
    completeness: float
    missing: list[MissingOut]
    ready_for_rfq: bool


class ProjectIn(Schema):
    title: str | None = None
    summary: Any = None
    product_field: str | None = None
    qty_prototype: Any = None
    qty_pilot: Any = None
    qty_small_lot: Any = None
    qty_mass: Any = None
    target_unit_cost: Any = None
    currency: str | None = None
    deadline: Any = None
    confidentiality: str | None = None
    coordinator: Any = None
    organisation: int | None = None


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    at: datetime.datetime
    by: str | None
    note: str


class ProjectOut(Schema):
    id: int
    organisation: int
    coordinator: int | None
    title: str
    summary: dict[str, str]
    product_field: str
    stage: str
    stage_changed_at: datetime.datetime
    qty_prototype: int | None
    qty_pilot: int | None
    qty_small_lot: int | None
    qty_mass: int | None
    target_unit_cost: float | None
    currency: str
    deadline: datetime.date | None
    confidentiality: str
    completeness: float
    checklist: list[dict[str, Any]]
    history: list[StageChangeOut]


class ProjectBrief(Schema):
    id: int
    title: str
    stage: str
    organisation: int
    completeness: float


class StageMoveIn(Schema):
    to_stage: str
    note: str = ""


class ChecklistIn(Schema):
    item: str
    done: bool = True


class CompletenessOut(Schema):
    project: float
    threshold: float
    parts: list[dict[str, Any]]
