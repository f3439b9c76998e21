"""`/api/v1/manufacturers`: the directory over HTTP, with the very filters of the HTML list."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import BeforeValidator

from shisaku.directory import selectors
from shisaku.directory.exporter import records_in_order
from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.records import record_of
from shisaku.directory.schemas import ErrorOut, ManufacturerOut, ManufacturerPage
from shisaku.errors import InputError

router = Router(tags=["directory"])


def _invalid(form: DirectoryFilter) -> ValidationError:
    """Every problem of the form as ``{"detail": [{"field", "reason"}]}`` (422)."""
    return ValidationError([{"loc": ("query", e["field"]), "msg": e["reason"]}
                            for e in form.errors_as_list()])


def _blank_is_absent(value: Any) -> Any:
    """``lot=`` is "no lot" (an HTML form submits its empty fields; the page reads them so)."""
    return None if value == "" else value


# What the form validates again, typed here for the OpenAPI document; empty means not given.
_Blank = BeforeValidator(_blank_is_absent)


class DirectoryQuery(Schema):
    """Query parameters; list parameters repeat (``?process=cnc_milling&process=welding``).
    Every one is validated by the list's own form (``DirectoryFilter``), in the reader's
    language; the types here document them."""

    q: str | None = None
    kind: list[str] = []
    country: list[str] = []
    block: list[str] = []
    region: list[str] = []
    stage: list[str] = []
    product_field: list[str] = []
    technology: list[str] = []
    process: list[str] = []
    material: list[str] = []
    certification: list[str] = []
    language: list[str] = []
    lot: Annotated[int | None, _Blank] = None
    accepts_foreign: Annotated[bool | None, _Blank] = None
    sample: Annotated[bool | None, _Blank] = None
    sort: str | None = None
    near: str | None = None
    page: Annotated[int | None, _Blank] = 1
    page_size: Annotated[int | None, _Blank] = 20


@router.get("", response={200: ManufacturerPage, 422: ErrorOut},
            summary="List manufacturers with filters and facet counts")
def list_manufacturers(request: HttpRequest, filters: Query[DirectoryQuery]) -> dict[str, object]:
    """Filters, text search, sorting and facet counts: docs/DIRECTORY.md (served from the
    in-memory index; the page's records are read from the database)."""
    # The HTML filter form validates the very same parameters (codes, q, lot, sort, pages).
    form = DirectoryFilter(request.GET)
    if not form.is_valid():
        raise _invalid(form)
    listing = form.listing()
    if not form.check_page(listing.count):
        raise _invalid(form)
    return {
        "count": listing.count, "page": listing.page, "pages": listing.pages,
        "page_size": listing.page_size, "results": list(records_in_order(listing.ids)),
        "facets": form.facets(counts=listing.counts),
    }


@router.get("/{manufacturer_id}", response={200: ManufacturerOut, 404: ErrorOut},
            summary="One manufacturer's profile")
def get_manufacturer(request: HttpRequest, manufacturer_id: int) -> dict[str, object]:
    manufacturer = selectors.manufacturers_public().filter(pk=manufacturer_id).first()
    if manufacturer is None:
        raise HttpError(404, gettext("no such manufacturer"))
    return record_of(manufacturer)


match_router = Router(tags=["matching"])


class RequirementIn(Schema):
    """The requirement of ARCHITECTURE.md; every field optional, unknown fields refused."""

    model_config = {"extra": "forbid"}

    processes: list[str] | None = None
    materials: list[str] | None = None
    quantity: int | None = None
    stage: str | None = None
    product_field: str | None = None
    certifications: list[str] | None = None
    part_size_mm: list[float] | None = None
    origin_region: str | None = None
    origin: dict[str, float] | None = None
    countries: list[str] | None = None
    max_distance_km: float | None = None
    client_country: str | None = None


class MatchHitOut(Schema):
    id: int
    slug: str
    name: str
    score: float
    distance_km: float | None
    factors: dict[str, float]
    reasons: list[str]


class MatchOut(Schema):
    considered: int
    eligible: int
    elapsed_ms: float
    results: list[MatchHitOut]


@match_router.post("", response={200: MatchOut, 422: ErrorOut},
                   summary="Rank the manufacturers eligible for a requirement")
def match_requirement(request: HttpRequest, requirement: RequirementIn,
                      top: int = 20) -> dict[str, object]:
    """Eligibility rules and score: docs/MATCHING.md. Reasons come in the request's language."""
    from django.utils.translation import get_language

    from shisaku.directory.adapters import match
    from shisaku.directory.matching import translate_reason

    if not 0 <= top <= 1000:
        raise InputError("top", gettext("must be between 0 and 1000"))
    result = match(requirement.model_dump(exclude_none=True), top_k=top)
    return result.to_dict(get_language() or "en", translate_reason)
