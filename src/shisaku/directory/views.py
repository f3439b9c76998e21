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
from shisaku.directory import exporter, selectors
from shisaku.directory.filtersets import FACET_TITLES, DirectoryFilter
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


# Rendered fragments of the list page — the filter panel with its ~190 facet options (full
# page) or the facet panel alone (htmx partial): most of a request's time once the index answers
# in milliseconds — per data generation, language and filter set, LRU-bounded. A new generation
# never meets an old entry (generation numbers are never reused, even after a rollback).
_PANELS: OrderedDict[tuple[Any, ...], str] = OrderedDict()
PANEL_CACHE = 256
_panel_lock = threading.Lock()


def _panel(form: DirectoryFilter, context: dict[str, Any], *, generation: int,
           partial: bool) -> str:
    """The filter panel (directory/_filter_panel.html) or, for an htmx partial, the facet
    panel alone (directory/_facets.html, out of band); cached when the form is valid."""
    template = "directory/_facets.html" if partial else "directory/_filter_panel.html"
    if not generation or not form.is_valid():
        return render_to_string(template, context)
    data = form.cleaned_data
    key = (generation, get_language() or "en", partial, form.facet_key(),
           data.get("q") or "", data.get("sort") or "", data.get("near") or "")
    with _panel_lock:
        html = _PANELS.get(key)
        if html is not None:
            _PANELS.move_to_end(key)
            return html
    html = render_to_string(template, context)
    with _panel_lock:
        _PANELS[key] = html
        while len(_PANELS) > PANEL_CACHE:
            _PANELS.popitem(last=False)
    return html


@require_GET
def manufacturer_list(request: HttpRequest) -> HttpResponse:
    """The directory list: count, page, facets and search from the in-memory index; only the
    page's rows are read from the database (by id, in the index's order)."""
    form = DirectoryFilter(request.GET)
    status = 200
    facets: dict[str, list[dict[str, object]]] = {}
    chips: list[dict[str, str]] = []
    count, rows, number, size, generation = 0, [], 1, 20, 0
    if form.is_valid():
        listing = form.listing()
        generation = listing.generation
        facets = form.facets(counts=listing.counts)
        chips = [{"param": p, "value": v, "label": _facet_label(facets, p, v),
                  "remove": _query_without(request, p, v)} for p, v in form.active_filters()]
        count, number, size = listing.count, listing.page, listing.page_size
        if form.check_page(count):
            rows = _list_rows(selectors.manufacturer_rows(listing.ids))
        else:
            status, number = 400, 1
    else:
        status = 400
    paginator = Paginator(_Counted(count), size)  # type: ignore[arg-type]
    page = Page(rows, number, paginator)
    params = request.GET.copy()
    params.pop("page", None)
    partial = bool(request.htmx and not request.htmx.boosted)  # type: ignore[attr-defined]
    lang = get_language() or "en"
    panel_context = {
        "form": form, "facets": facets, "facet_titles": FACET_TITLES, "oob": partial,
        # Labels in the request's language (the form field's choices are fixed at import).
        "near_choices": [] if partial else [(t.code, t.label(lang))
                                            for t in taxonomy.terms("region")],
    }
    context = {
        "form": form, "page": page, "count": count,
        "filter_panel": _panel(form, panel_context, generation=generation, partial=partial),
        "chips": chips, "query": params.urlencode(),
        "lang": lang,
        "export_query": _query_without(request, "page_size"),
        # Coordinators invite the listed firms to claim their profiles (claims app).
        "can_invite_pool": roles_of(request.user).coordinator,
    }
    template = "directory/_results.html" if partial else "directory/list.html"
    return render(request, template, context, status=status)


def _list_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List rows with their labels in the active language (the template only prints them)."""
    lang = get_language() or "en"
    label = taxonomy.label
    for row in rows:
        row["region_label"] = label("region", row["region"], lang)
        row["country_label"] = label("country", row["country"], lang)
        row["process_labels"] = ", ".join(label("process", c, lang) for c in row["processes"])
        row["certification_labels"] = ", ".join(label("certification", c, lang)
                                                for c in row["certifications"] or [])
    return rows


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
            form.add_error(None, f"{exc.field}: {exc.reason}")
            status = 400
        except UnknownCodeError as exc:
            form.add_error(None, str(exc))
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
