"""Directory pages: the list (full page or htmx partial from one URL), a profile, own-profile edit,
and the open-data download. Views parse, call selectors / services, render."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shisaku import taxonomy
from shisaku.core.roles import roles_of
from shisaku.core.services import audit_record
from shisaku.directory import exporter, panels, selectors
from shisaku.directory.adapters import get_directory_index
from shisaku.directory.filtersets import FACET_TITLES, DirectoryFilter, Listing
from shisaku.directory.forms import CapabilityFormSet, ProfileForm, SiteFormSet
from shisaku.directory.models import Manufacturer
from shisaku.directory.services import manufacturer_reindex


def _query_without(request: HttpRequest, name: str, value: str | None = None) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return params.urlencode()


class _Counted:
    """A sequence of known length for Django's Paginator (the page itself comes from the index)."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count


class _Fragments:
    """Rendered HTML fragments of the list page, LRU-bounded. Keys start with the data
    generation: every write to the directory raises it (services, the admin, ratings and reply
    times), and numbers are never reused, even after a rollback, so an entry is never served
    for other data than it was rendered from."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
            return html

    def put(self, key: tuple[Any, ...], html: Any) -> Any:
        with self._lock:
            self._items[key] = html
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# The filter panel with its ~190 facet options (or, for an htmx partial, the facet panel alone)
# per generation, language and filter set: rendering it was most of a request's time once the
# index answered in milliseconds. PAGES: both fragments of a page per generation, language,
# role, kind of request and exact query string — only valid requests are kept, so a hit needs
# neither the form nor the index (the query string alone decides validity and content).
PANELS = _Fragments(256)
PAGES = _Fragments(512)


def _panel_key(form: DirectoryFilter, generation: int, partial: bool) -> tuple[Any, ...]:
    # The counts follow the cleaned filters; the full panel also shows the values as typed
    # (" abc" and "abc" search alike, "accepts_foreign=1" ticks no option of its select).
    shown = () if partial else tuple(form[name].value() for name in _TYPED)
    return (generation, get_language() or "en", partial, form.facet_key(), shown)


_TYPED = ("q", "lot", "accepts_foreign", "sample", "sort", "near")


@require_GET
def manufacturer_list(request: HttpRequest) -> HttpResponse:
    """The directory list: count, page, facets and search from the in-memory index; only the
    page's rows are read from the database (by id, in the index's order). Rendered fragments
    are reused within a data generation (``PANELS``, ``PAGES``)."""
    partial = bool(request.htmx and not request.htmx.boosted)  # type: ignore[attr-defined]
    lang = get_language() or "en"
    coordinator = roles_of(request.user).coordinator
    template = "directory/_results.html" if partial else "directory/list.html"
    query_string = request.META.get("QUERY_STRING", "")
    index = get_directory_index()
    cached = PAGES.get((index.generation, lang, coordinator, partial, query_string))
    if cached is not None:
        return render(request, template, {"filter_panel": cached[0], "results": cached[1]})
    form = DirectoryFilter(request.GET)
    if not form.is_valid():
        return _render_list(request, template, form, None, partial=partial, lang=lang,
                            coordinator=coordinator)
    listing = form.listing(index=index)
    page_key = (listing.generation, lang, coordinator, partial, query_string)
    return _render_list(request, template, form, listing, partial=partial, lang=lang,
                        coordinator=coordinator,
                        keys=(page_key, _panel_key(form, listing.generation, partial)))


def _render_list(request: HttpRequest, template: str, form: DirectoryFilter,
                 listing: Listing | None, *, partial: bool, lang: str, coordinator: bool,
                 keys: tuple[tuple[Any, ...], tuple[Any, ...]] | None = None) -> HttpResponse:
    if listing is not None and form.check_page(listing.count):
        return _render_page(request, template, form, listing, partial=partial, lang=lang,
                            coordinator=coordinator, keys=keys)
    # A refused request (400): the templates render the form's errors, an empty result and,
    # for a page past the end, the facet counts.
    facets: dict[str, list[dict[str, object]]] = {}
    chips: list[dict[str, str]] = []
    count, size = 0, 20
    last_page: dict[str, object] = {}
    if listing is not None:  # a page past the end: say so and link the last one
        facets = form.facets(counts=listing.counts)
        chips = [{"param": p, "value": v, "label": _facet_label(facets, p, v),
                  "remove": _query_without(request, p, v)} for p, v in form.active_filters()]
        count, size = listing.count, listing.page_size
        params = request.GET.copy()
        params["page"] = str(listing.pages)
        last_page = {"number": listing.pages, "url": f"?{params.urlencode()}"}
    # (no pager under a refusal: "page 1 of N, next" would not be where the reader is)
    paginator = Paginator(_Counted(0), size)  # type: ignore[arg-type]
    page = Page([], 1, paginator)
    panel_context = {
        "form": form, "facets": facets, "facet_titles": FACET_TITLES, "oob": partial,
        # Labels in the request's language (the form field's choices are fixed at import).
        "near_choices": [] if partial else [(t.code, t.label(lang))
                                            for t in taxonomy.terms("region")],
    }
    panel_template = "directory/_facets.html" if partial else "directory/_filter_panel.html"
    # An htmx request refused before counting keeps the facet panel the page shows (an
    # out-of-band swap of an empty one would take away the boxes the user just ticked).
    panel = "" if partial and listing is None else render_to_string(panel_template,
                                                                    panel_context)
    context = _results_context(request, form, page, count, chips, coordinator=coordinator)
    context["last_page"] = last_page
    results = render_to_string("directory/_results_body.html", context)
    return render(request, template, {"filter_panel": panel, "results": results}, status=400)


def _results_context(request: HttpRequest, form: DirectoryFilter, page: Page[Any], count: int,
                     chips: list[dict[str, str]], *, coordinator: bool,
                     rows_html: str = "") -> dict[str, Any]:
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "form": form, "page": page, "count": count, "chips": chips, "rows_html": rows_html,
        "query": params.urlencode(), "export_query": _query_without(request, "page_size"),
        # Coordinators invite the listed firms to claim their profiles (claims app).
        "can_invite_pool": coordinator,
    }


def _render_page(request: HttpRequest, template: str, form: DirectoryFilter, listing: Listing,
                 *, partial: bool, lang: str, coordinator: bool,
                 keys: tuple[tuple[Any, ...], tuple[Any, ...]] | None) -> HttpResponse:
    """A page of a valid request: the filter panel and the rows from the per-language
    fragments of ``panels`` (the same markup as the templates), the rest by the template."""
    chips = [{"param": p, "value": v, "label": panels.label(lang, p, v),
              "remove": _query_without(request, p, v)} for p, v in form.active_filters()]
    panel = PANELS.get(keys[1]) if keys is not None else None
    if panel is None:
        panel = panels.facets(form, listing.counts, lang=lang, oob=partial)
        if not partial:
            panel = panels.filter_panel(form, panel, lang=lang)
    rows = selectors.manufacturer_rows(listing.ids)
    paginator = Paginator(_Counted(listing.count), listing.page_size)  # type: ignore[arg-type]
    page = Page(rows, listing.page, paginator)
    results = render_to_string("directory/_results_body.html", _results_context(
        request, form, page, listing.count, chips, coordinator=coordinator,
        rows_html=panels.result_rows(rows, lang=lang)))
    if keys is not None:
        PANELS.put(keys[1], panel)
        PAGES.put(keys[0], (panel, results))
    return render(request, template, {"filter_panel": panel, "results": results})


def _facet_label(facets: dict[str, list[dict[str, object]]], param: str, value: str) -> str:
    for item in facets.get(param, []):
        if item["code"] == value:
            return str(item["label"])
    return value


@require_GET
def manufacturer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        manufacturer = selectors.manufacturer_detail(pk=pk)
    except Manufacturer.DoesNotExist:
        raise Http404(_("No such manufacturer.")) from None
    lang = get_language() or "en"
    can_edit = selectors.manufacturers_editable_by(request.user).filter(pk=pk).exists()
    context = {
        "m": manufacturer, "lang": lang, "can_edit": can_edit,
        # "This is my company" (the claims app) while no organisation manages the profile.
        "claimable": manufacturer.organisation_id is None,
        "contact": selectors.manufacturer_contact_for(user=request.user,
                                                      manufacturer=manufacturer),
        "description": manufacturer.description_in(lang),
        "region_label": taxonomy.label("region", manufacturer.region, lang),
        "block_label": taxonomy.label("block", manufacturer.block, lang),
        "country_label": taxonomy.label("country", manufacturer.country, lang),
        "labels": {
            key: [taxonomy.label(kind, c, lang) for c in getattr(manufacturer, key)]
            for key, kind in (("stages", "stage"), ("product_fields", "product_field"),
                              ("technologies", "technology"),
                              ("certifications", "certification"), ("languages", "language"))
        },
        "capabilities": [
            {"cap": c, "process": taxonomy.label("process", c.process, lang),
             "materials": [taxonomy.label("material", x, lang) for x in c.materials]}
            for c in manufacturer.capabilities.all()
        ],
    }
    return render(request, "directory/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def manufacturer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    manufacturer = selectors.manufacturers_editable_by(request.user).filter(pk=pk).first()
    if manufacturer is None:
        raise Http404(_("No such manufacturer among the profiles you may edit."))
    form = ProfileForm(request.POST or None, instance=manufacturer)
    formset = CapabilityFormSet(request.POST or None, instance=manufacturer)
    sites = SiteFormSet(request.POST or None, instance=manufacturer)
    formset.summary_title, sites.summary_title = _("Capabilities"), _("Further sites")
    if (request.method == "POST" and form.is_valid() and formset.is_valid()
            and sites.is_valid()):
        with transaction.atomic():
            form.save()
            formset.save()
            sites.save()
            manufacturer_reindex(manufacturer=manufacturer)
            audit_record(actor=request.user, action="directory.profile_edit", obj=manufacturer,
                         summary=manufacturer.name)
        messages.success(request, _("Profile saved."))
        return redirect("directory:detail", pk=manufacturer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "directory/edit.html",
                  {"form": form, "formset": formset, "sites": sites, "m": manufacturer},
                  status=status)


@require_GET
def manufacturer_download(request: HttpRequest) -> HttpResponse:
    """Open data: the filtered directory as JSON, CSV or XLSX (same filters as the list)."""
    fmt = request.GET.get("format", "json")
    if len(request.GET.getlist("format")) > 1:  # (which one was meant?)
        return HttpResponse(f"format: {_('Give this parameter only once.')}", status=400,
                            content_type="text/plain; charset=utf-8")
    if fmt not in exporter.FORMATS:
        return HttpResponse(_("Unknown format %(fmt)s; use json, csv or xlsx.") % {"fmt": fmt},
                            status=400, content_type="text/plain; charset=utf-8")
    form = DirectoryFilter(request.GET)
    if not form.is_valid():
        reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in form.errors_as_list())
        return HttpResponse(reasons, status=400, content_type="text/plain; charset=utf-8")
    data = exporter.export_ids(form.all_ids(), fmt)
    response = HttpResponse(data, content_type=exporter.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="shisaku-manufacturers.{fmt}"'
    return response



def _find_url_without(request: HttpRequest, params: tuple[str, ...]) -> str:
    query = request.GET.copy()
    for name in params:
        query.pop(name, None)
    return f"{request.path}?{query.urlencode()}"


@require_GET
def manufacturer_find(request: HttpRequest) -> HttpResponse:
    """The matching page: a requirement in the query string, ranked results with reasons."""
    from shisaku.core import refusals
    from shisaku.directory.adapters import match
    from shisaku.directory.matching import (
        FACTOR_LABELS,
        FindForm,
        relaxations,
        translate_reason,
    )
    from shisaku.errors import InputError
    from shisaku.taxonomy import UnknownCodeError

    form = FindForm(request.GET or None)
    result = None
    status = 200
    lang = get_language() or "en"
    if request.GET and form.is_valid() and not form.is_blank():
        try:
            outcome = match(form.requirement(), top_k=form.cleaned_data.get("top") or 20)
        except InputError as exc:
            form.add_error(None, f"{exc.field}: {refusals.refusal(exc)}")
            status = 400
        except UnknownCodeError as exc:
            form.add_error(None, refusals.unknown_code_error(exc).reason)
            status = 400
        else:
            result = outcome.to_dict(lang, translate_reason)
            for hit in result["results"]:
                hit["factor_rows"] = [{"label": FACTOR_LABELS.get(k, k), "value": v}
                                      for k, v in hit["factors"].items()]
            if not result["eligible"]:
                result["relaxations"] = [
                    {**r, "url": _find_url_without(request, r["params"])}
                    for r in relaxations(form.requirement(),
                                         lambda req: match(req, top_k=0).eligible)]
    elif request.GET and not form.is_valid():
        status = 400
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "directory/_find_results.html" if partial else "directory/find.html"
    return render(request, template, {"form": form, "result": result}, status=status)
