"""`/api/v1/manufacturers`: the directory over HTTP, with the very filters of the HTML list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from shisaku.directory import selectors
from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.models import Manufacturer
from shisaku.directory.records import iter_records, record_of
from shisaku.directory.schemas import ErrorOut, ManufacturerOut, ManufacturerPage
from shisaku.errors import InputError

router = Router(tags=["directory"])


class DirectoryQuery(Schema):
    """Query parameters; list parameters repeat (``?process=cnc_milling&process=welding``)."""

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
    lot: int | None = None
    accepts_foreign: bool | None = None
    sample: bool | None = None
    sort: str | None = None
    page: int = 1
    page_size: int = 20


@router.get("", response={200: ManufacturerPage, 422: ErrorOut},
            summary="List manufacturers with filters and facet counts")
def list_manufacturers(request: HttpRequest, filters: Query[DirectoryQuery]) -> dict[str, object]:
    # The HTML filter form validates the very same parameters (codes, lot, sort, page size).
    form = DirectoryFilter(request.GET)
    if not form.is_valid():
        first = form.errors_as_list()[0]
        raise InputError(first["field"], first["reason"])
    base = selectors.manufacturers_public()
    qs = form.filter(base)
    paginator = Paginator(qs.values_list("id", flat=True), filters.page_size)
    if filters.page > max(paginator.num_pages, 1):
        raise InputError("page", f"there are {paginator.num_pages} pages")
    ids = list(paginator.page(filters.page).object_list)
    by_id = {r["id"]: r for r in iter_records(Manufacturer.objects.filter(id__in=ids))}
    return {
        "count": paginator.count, "page": filters.page, "pages": paginator.num_pages,
        "page_size": filters.page_size, "results": [by_id[i] for i in ids],
        "facets": form.facets(base),
    }


@router.get("/{manufacturer_id}", response={200: ManufacturerOut, 404: ErrorOut},
            summary="One manufacturer's profile")
def get_manufacturer(request: HttpRequest, manufacturer_id: int) -> dict[str, object]:
    manufacturer = selectors.manufacturers_public().filter(pk=manufacturer_id).first()
    if manufacturer is None:
        raise HttpError(404, "no such manufacturer")
    return record_of(manufacturer)
