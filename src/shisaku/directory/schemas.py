"""API schemas of the directory (pydantic via ninja); field names follow the export JSON."""

from __future__ import annotations

from ninja import Schema


class CapabilityOut(Schema):
    process: str
    materials: list[str]
    min_lot: int
    max_lot: int
    max_part_mm: list[float] | None
    tolerance_mm: float | None
    lead_time_days: int


class ManufacturerOut(Schema):
    id: int
    slug: str
    name: str
    name_local: str
    kind: str
    country: str
    region: str
    block: str
    city: str
    lat: float
    lon: float
    stages: list[str]
    product_fields: list[str]
    technologies: list[str]
    certifications: list[str]
    languages: list[str]
    accepts_foreign: bool
    startup_friendly: bool
    capabilities: list[CapabilityOut]
    reply_median_hours: float | None
    rating: float | None
    rating_count: int
    startup_projects: int
    price_level: float
    capacity_jobs: int | None
    employees: int | None
    founded: int | None
    website: str
    equipment: str
    description: dict[str, str]
    synthetic: bool
    source: str


class FacetCount(Schema):
    code: str
    label: str
    count: int
    selected: bool


class ManufacturerPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[ManufacturerOut]
    facets: dict[str, list[FacetCount]]


class ErrorItem(Schema):
    field: str
    reason: str
    valid: list[str] | None = None


class ErrorOut(Schema):
    detail: list[ErrorItem]
