"""The directory's one filter set: validates query parameters and says what they mean.

The HTML list, its htmx partial, the API and the open-data download all go through
``DirectoryFilter`` so that they agree on what a filter means. Semantics (docs/DIRECTORY.md):
location and kind filters are any-of (a firm is in one place); taxonomy filters are all-of (a
firm must do every process asked for), like a matching requirement; text search: every token is
a substring of the folded search text (:mod:`shisaku.engines.directory.text`). Facet counts:
a location or kind facet is counted under every filter except its own (so its other options stay
visible with what ticking them would add); every other facet over the current result (what
ticking it would leave).

Two implementations mean exactly that: the in-memory index (``listing()``: what pages, the API
and the download use) and plain SQL (``filter()``, ``facets()``, ``sql_listing()``: the
reference the property tests and the benchmark compare it with).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Collate
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.core.forms import Form
from shisaku.directory.adapters import get_directory_index
from shisaku.directory.choices import FACET_KINDS, DirectorySort, ProviderKind
from shisaku.directory.models import Capability, Manufacturer, ManufacturerFacet
from shisaku.engines.directory import (
    MAX_QUERY_CHARS,
    DirectoryIndex,
    ListingQuery,
    ListingResult,
    check_query,
    distance_order,
    query_tokens,
)

# parameter name -> taxonomy kind; the order is the order of the filter panel.
TAXONOMY_PARAMS: dict[str, str] = {
    "stage": "stage", "product_field": "product_field", "technology": "technology",
    "process": "process", "material": "material", "certification": "certification",
    "language": "language",
}
LOCATION_PARAMS: dict[str, str] = {"country": "country", "block": "block", "region": "region"}
FACET_TITLES = {
    "kind": _("Kind"), "country": _("Country"), "block": _("Region block"),
    "region": _("Region"), "stage": _("Stage"), "product_field": _("Product field"),
    "technology": _("Technology"), "process": _("Process"), "material": _("Material"),
    "certification": _("Certification"), "language": _("Language"),
}
PAGE_SIZES = (20, 50, 100)
COLUMN_FACETS = ("kind", *LOCATION_PARAMS)


def _counts(qs: QuerySet[Manufacturer], only: str | None = None) -> dict[str, dict[str, int]]:
    """kind -> {code: firms of ``qs`` having it}; ``only`` limits it to one column facet."""
    counts: dict[str, dict[str, int]] = {k: {} for k in (*FACET_KINDS, *COLUMN_FACETS)}
    if only is None:
        rows = (ManufacturerFacet.objects.filter(manufacturer__in=qs.values("id"))
                .values_list("kind", "code").annotate(n=Count("id")).order_by())
        for kind, code, n in rows:
            counts.setdefault(kind, {})[code] = n
    for param in COLUMN_FACETS if only is None else (only,):
        counts[param] = dict(qs.values_list(param).annotate(n=Count("id")).order_by())
    return counts


def _choices(kind: str) -> list[tuple[str, str]]:
    lang = get_language() or "en"
    return [(t.code, t.label(lang)) for t in taxonomy.terms(kind)]


class _LazyChoices(BaseChoiceIterator):
    """Choices evaluated per request so that labels follow the active language (a
    ``BaseChoiceIterator``, which Django keeps lazy; a plain iterable would be turned into a
    list once, at import, in whatever language was active then)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __iter__(self) -> Any:
        return iter(_choices(self.kind))


_QUERY_PROBLEMS = {
    "null_character": _("Null characters are not allowed."),
    "control_character": _("Control characters are not allowed."),
}


def _check_query(value: str) -> None:
    problem = check_query(value)
    # "too_long" is the field's own max_length message (Django's, in every language).
    if problem in _QUERY_PROBLEMS:
        raise forms.ValidationError(_QUERY_PROBLEMS[problem], code=problem)


@dataclass(frozen=True)
class Listing:
    """One page of the directory: the count, the page's ids in order and the facet counts."""

    count: int
    ids: list[int]
    counts: dict[str, dict[str, int]]
    page: int
    pages: int
    page_size: int
    generation: int = 0  # the index's data generation (0: the SQL reference)


MAX_PAGE = 1_000_000


class _Flag(forms.NullBooleanField):
    """``true`` / ``false`` (or ``1`` / ``0``), or nothing for "either". Django's
    NullBooleanField takes any other value for nothing, so ``accepts_foreign=yes`` listed
    every firm — and the API, whose schema reads "yes" as true, said nothing either."""

    default_error_messages = {"invalid": _("Give true or false.")}
    _VALUES = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in self._VALUES:
            return self._VALUES[value]
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


# Parameters that take one value: given twice, which one was meant is a guess.
SINGLE_VALUED = ("q", "lot", "accepts_foreign", "sample", "sort", "near", "page", "page_size")


class _EmptyFirstChoices(_LazyChoices):
    def __iter__(self) -> Any:
        return iter([("", "—"), *_choices(self.kind)])


class DirectoryFilter(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_CHARS,
                        validators=[_check_query])
    kind = forms.MultipleChoiceField(label=_("Kind"), required=False,
                                     choices=ProviderKind.choices)
    country = forms.MultipleChoiceField(label=_("Country"), required=False,
                                        choices=_LazyChoices("country"))
    block = forms.MultipleChoiceField(label=_("Region block"), required=False,
                                      choices=_LazyChoices("block"))
    region = forms.MultipleChoiceField(label=_("Region"), required=False,
                                       choices=_LazyChoices("region"))
    stage = forms.MultipleChoiceField(label=_("Stage"), required=False,
                                      choices=_LazyChoices("stage"))
    product_field = forms.MultipleChoiceField(label=_("Product field"), required=False,
                                              choices=_LazyChoices("product_field"))
    technology = forms.MultipleChoiceField(label=_("Technology"), required=False,
                                           choices=_LazyChoices("technology"))
    process = forms.MultipleChoiceField(label=_("Process"), required=False,
                                        choices=_LazyChoices("process"))
    material = forms.MultipleChoiceField(label=_("Material"), required=False,
                                         choices=_LazyChoices("material"))
    certification = forms.MultipleChoiceField(label=_("Certification"), required=False,
                                              choices=_LazyChoices("certification"))
    language = forms.MultipleChoiceField(label=_("Language"), required=False,
                                         choices=_LazyChoices("language"))
    lot = forms.IntegerField(label=_("Lot size that must fit"), required=False, min_value=1,
                             max_value=100_000_000)
    accepts_foreign = _Flag(label=_("Accepts foreign clients"), required=False,
                            widget=forms.Select(choices=[
                                ("", "—"), ("true", _("Yes")), ("false", _("No"))]))
    sample = _Flag(label=_("Sample data"), required=False,
                   widget=forms.Select(choices=[
                       ("", _("Included")), ("false", _("Hidden")),
                       ("true", _("Only sample data"))]))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=DirectorySort.choices)
    near = forms.ChoiceField(label=_("Distance from"), required=False,
                             choices=_EmptyFirstChoices("region"))
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.TypedChoiceField(label=_("Per page"), required=False, coerce=int,
                                       choices=[(n, n) for n in PAGE_SIZES])

    # -- validation ---------------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            for name in SINGLE_VALUED:
                if len(getlist(name)) > 1:
                    self.add_error(name, _("Give this parameter only once."))
        if data.get("sort") == DirectorySort.DISTANCE and not data.get("near"):
            self.add_error("near", _("Choose the region to measure distances from."))
        return data

    def errors_as_list(self) -> list[dict[str, str]]:
        return [{"field": name, "reason": str(msg)} for name, msgs in self.errors.items()
                for msg in msgs]

    def per_page(self) -> int:
        return int(self.cleaned_data.get("page_size") or PAGE_SIZES[0])

    def page_wanted(self) -> int:
        return int(self.cleaned_data.get("page") or 1)

    def check_page(self, count: int) -> bool:
        """After counting: a page past the end is an error on ``page`` (False)."""
        pages = max(1, math.ceil(count / self.per_page()))
        if self.page_wanted() > pages:
            self.add_error("page", _("There are only %(n)s pages.") % {"n": pages})
            return False
        return True

    # -- the index (what every page, the API and the download use) ---------------------
    def listing_query(self, *, offset: int, limit: int, facets: bool = True) -> ListingQuery:
        data = self.cleaned_data
        codes = {p: list(data.get(p) or []) for p in ("kind", *LOCATION_PARAMS, *TAXONOMY_PARAMS)}
        near = taxonomy.region_centroid(data["near"]) if data.get("near") else None
        return ListingQuery(
            text=data.get("q") or "", codes={k: v for k, v in codes.items() if v},
            lot=data.get("lot"), accepts_foreign=data.get("accepts_foreign"),
            synthetic=data.get("sample"), sort=data.get("sort") or DirectorySort.NAME,
            near=near, offset=offset, limit=limit, facets=facets)

    def listing(self, *, facets: bool = True, engine: str = "index",
                index: DirectoryIndex | None = None) -> Listing:
        """The requested page (call after is_valid()); ``engine="sql"`` is the reference.
        ``index``: the directory index the caller already holds (else the current one)."""
        size, number = self.per_page(), self.page_wanted()
        query = self.listing_query(offset=(number - 1) * size, limit=size, facets=facets)
        generation = 0
        if engine == "index":
            if index is None:
                index = get_directory_index()
            result, generation = index.listing.search(query), index.generation
        else:
            result = self.sql_listing(query)
        return Listing(result.count, result.ids, result.facets, number,
                       max(1, math.ceil(result.count / size)), size, generation)

    def all_ids(self) -> list[int]:
        """Every matching id in sort order (the open-data download)."""
        index = get_directory_index().listing
        query = self.listing_query(offset=0, limit=index.size, facets=False)
        return index.search(query).ids

    # -- the SQL reference ----------------------------------------------------------------
    def _apply(self, qs: QuerySet[Manufacturer], skip: str = "",
               processes: list[str] | None = None) -> QuerySet[Manufacturer]:
        """The filters (but ``skip``'s); ``processes``: instead of the ticked processes."""
        data = dict(self.cleaned_data)
        if processes is not None:
            data["process"] = processes
        for token in query_tokens(data.get("q") or ""):
            qs = qs.filter(search_text__contains=token)
        if data.get("kind") and skip != "kind":
            qs = qs.filter(kind__in=data["kind"])
        for param in LOCATION_PARAMS:
            if data.get(param) and skip != param:
                qs = qs.filter(**{f"{param}__in": data[param]})
        for param, kind in TAXONOMY_PARAMS.items():
            for code in data.get(param) or []:
                qs = qs.filter(id__in=ManufacturerFacet.objects.filter(kind=kind, code=code)
                               .values("manufacturer_id"))
        lot = data.get("lot")
        if lot:
            caps = Capability.objects.filter(min_lot__lte=lot, max_lot__gte=lot)
            if data.get("process"):
                caps = caps.filter(process__in=data["process"])
            qs = qs.filter(id__in=caps.values("manufacturer_id"))
        if data.get("accepts_foreign") is not None:
            qs = qs.filter(accepts_foreign=data["accepts_foreign"])
        if data.get("sample") is not None:
            qs = qs.filter(synthetic=data["sample"])
        return qs

    def filter(self, qs: QuerySet[Manufacturer]) -> QuerySet[Manufacturer]:
        """SQL reference: the filtered, sorted queryset (call after is_valid()). The distance
        order is not SQL: it comes back by id (``sql_listing`` sorts it)."""
        return self._sort(self._apply(qs))

    def _sort(self, qs: QuerySet[Manufacturer]) -> QuerySet[Manufacturer]:
        sort = self.cleaned_data.get("sort") or DirectorySort.NAME
        # Names in code point order on every database (Python's order, the index's).
        binary = "C" if connection.vendor == "postgresql" else "BINARY"
        order = {
            DirectorySort.NAME: [Collate("name", binary), "id"],
            DirectorySort.REPLY: [F("reply_median_hours").asc(nulls_last=True), "id"],
            DirectorySort.RATING: [F("rating").desc(nulls_last=True), "id"],
            DirectorySort.STARTUPS: ["-startup_projects", "id"],
            DirectorySort.NEWEST: ["-created_at", "-id"],
            DirectorySort.DISTANCE: ["id"],
        }[DirectorySort(sort)]
        return qs.order_by(*order)

    def sql_listing(self, query: ListingQuery) -> ListingResult:
        """The reference: plain SQL over the database (facets uncached), same meaning."""
        base = Manufacturer.objects.all()
        qs = self.filter(base)
        count = qs.count()
        stop = query.offset + query.limit
        if query.sort == DirectorySort.DISTANCE and query.near is not None:
            rows = list(qs.values_list("id", "lat", "lon"))
            cols = list(zip(*rows, strict=True)) if rows else [[], [], []]
            order = distance_order(cols[1], cols[2], cols[0], query.near)
            ids = [rows[i][0] for i in order[query.offset:stop]]
        else:
            ids = list(qs.values_list("id", flat=True)[query.offset:stop])
        return ListingResult(count, ids, self.sql_counts(base) if query.facets else {})

    def sql_counts(self, base: QuerySet[Manufacturer]) -> dict[str, dict[str, int]]:
        counts = _counts(self._apply(base))
        for param in ("kind", *LOCATION_PARAMS):
            if self.cleaned_data.get(param):
                counts[param] = _counts(self._apply(base, skip=param), only=param)[param]
        if self.cleaned_data.get("lot"):
            # Ticking a process also narrows the lot to the ticked processes' capabilities:
            # its count is the result of that very query (one count per process).
            ticked = list(dict.fromkeys(self.cleaned_data.get("process") or []))
            codes = Capability.objects.order_by().values_list("process", flat=True).distinct()
            counts["process"] = {}
            for code in sorted(set(codes)):
                wanted = ticked if code in ticked else [*ticked, code]
                n = self._apply(base, processes=wanted).count()
                if n:
                    counts["process"][code] = n
        return counts

    def facets(self, base: QuerySet[Manufacturer] | None = None,
               counts: dict[str, dict[str, int]] | None = None
               ) -> dict[str, list[dict[str, Any]]]:
        """Counts per code for every facet, with labels in the active language (from
        ``counts``, else counted in SQL over ``base``)."""
        lang = get_language() or "en"
        if counts is None:
            counts = self.sql_counts(base if base is not None else Manufacturer.objects.all())
        selected = {p: set(self.cleaned_data.get(p) or []) for p in FACET_TITLES}
        out: dict[str, list[dict[str, Any]]] = {}
        for param in FACET_TITLES:
            if param == "kind":
                terms = [(c, str(lab)) for c, lab in ProviderKind.choices]
            else:
                kind = TAXONOMY_PARAMS.get(param, param)
                terms = [(t.code, t.label(lang)) for t in taxonomy.terms(kind)]
            found = counts.get(param, {})
            out[param] = [
                {"code": code, "label": label, "count": found.get(code, 0),
                 "selected": code in selected[param]}
                for code, label in terms if found.get(code) or code in selected[param]
            ]
        return out

    def facet_key(self) -> tuple[Any, ...]:
        """What the facet panel depends on (call after is_valid()): every filter, the query as
        its folded tokens; not the sort, the page or its size."""
        data = self.cleaned_data
        key: list[Any] = [tuple(query_tokens(data.get("q") or ""))]
        for name, value in sorted(data.items()):
            if name in ("q", "sort", "near", "page", "page_size"):
                continue
            key.append((name, tuple(sorted(value)) if isinstance(value, list) else value))
        return tuple(key)

    def has_filters(self) -> bool:
        """Whether any parameter narrows the result (sorting and paging do not)."""
        return any(v not in (None, "", []) for k, v in self.cleaned_data.items()
                   if k not in ("sort", "near", "page", "page_size"))

    def active_filters(self) -> list[tuple[str, str]]:
        """(parameter, value) pairs that are set, for 'remove this filter' chips."""
        pairs: list[tuple[str, str]] = []
        for name in FACET_TITLES:
            pairs.extend((name, v) for v in self.cleaned_data.get(name) or [])
        return pairs

