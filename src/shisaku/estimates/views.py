"""Estimate pages: upload a part, then read its geometry, DFM findings, costs and plan."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from shisaku.core import refusals
from shisaku.errors import InputError
from shisaku.estimates import selectors, words
from shisaku.estimates.choices import EstimateStatus
from shisaku.estimates.forms import EstimateForm
from shisaku.estimates.models import Estimate
from shisaku.estimates.services import estimate_create
from shisaku.taxonomy import UnknownCodeError


@login_required
@require_http_methods(["GET", "POST"])
def estimate_new(request: HttpRequest) -> HttpResponse:
    form = EstimateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            estimate = estimate_create(owner=request.user, upload=form.cleaned_data["file"],
                                       options=form.options())
        except InputError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", refusals.refusal(exc))
        except UnknownCodeError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("estimates:detail", pk=estimate.pk)
    status = 400 if request.method == "POST" else 200
    recent = selectors.estimates_of(request.user)[:10]
    return render(request, "estimates/new.html", {"form": form, "recent": recent}, status=status)


@login_required
@require_POST
def estimate_part_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """The part's Estimate panel: cost a project part from its stored CAD file."""
    from shisaku.estimates.services import estimate_part_file as make_estimate
    from shisaku.projects.models import PartFile
    from shisaku.projects.selectors import projects_visible_to

    part_file = (PartFile.objects.select_related("part__project__organisation")
                 .filter(pk=file_id, part__project__in=projects_visible_to(request.user))
                 .first())
    if part_file is None:
        raise Http404
    try:
        estimate = make_estimate(owner=request.user, part_file=part_file)
    except (InputError, UnknownCodeError) as exc:
        messages.error(request, refusals.refusal(exc) if isinstance(exc, InputError) else str(exc))
        return redirect("projects:detail", pk=part_file.part.project_id)
    return redirect("estimates:detail", pk=estimate.pk)


def _own(request: HttpRequest, pk: int) -> Estimate:
    estimate = selectors.estimates_of(request.user).filter(pk=pk).first()
    if estimate is None:
        raise Http404
    return estimate


@login_required
@require_GET
def estimate_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block the page polls (htmx) while the worker estimates a large part; when
    the job has ended, the page reloads to show the result or the reason it failed."""
    estimate = _own(request, pk)
    if estimate.status in (EstimateStatus.DONE, EstimateStatus.FAILED):
        return HttpResponseClientRefresh()
    return render(request, "estimates/_progress.html", {"e": estimate})


@login_required
@require_GET
def estimate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = _own(request, pk)
    if estimate.status != EstimateStatus.DONE:
        return render(request, "estimates/pending.html",
                      {"e": estimate, "error": _job_error(estimate)})
    result = estimate.result
    return render(request, "estimates/detail.html", {
        "e": estimate, "g": result.get("geometry", {}), "dfm": result.get("dfm", []),
        "plan": result.get("plan", []), "plan_basis": result.get("plan_basis"),
        "max_lead_days": result.get("max_lead_days"),
        "crossovers": result.get("crossovers", []),
        "by_process": _by_process(result.get("estimates", [])),
        "target": result.get("target"), "target_rate": result.get("target_rate"),
        "target_rate_source": _rate_source(result.get("target_rate")),
        "chart": result.get("plot_series") is not None or bool(result.get("plot_svg")),
        "chart_table": _chart_table(result),
    })


_LIMIT = re.compile(r"over its (memory|time) limit of ([0-9.]+)")


def _job_error(estimate: Estimate) -> str:
    """A failed job's reason in the page's language: a limit of the worker, or the engine's
    refusal by its code (kept in ``result["error"]``); the stored ``error`` stays English for
    the API, and is shown as it is when it has neither (an older failed estimate)."""
    error = estimate.error
    refused = (estimate.result or {}).get("error")
    if isinstance(refused, dict) and refused.get("code"):
        return words.describe(refused) or error
    m = _LIMIT.search(error or "")
    if m is None:
        return error
    if m.group(1) == "memory":
        return _("The estimate went over its memory limit of %(limit)s MB.") % {
            "limit": m.group(2)}
    return _("The estimate went over its time limit of %(limit)s s.") % {"limit": m.group(2)}


def _rate_source(rate: dict[str, Any] | None) -> str:
    """Where the target's exchange rate comes from, in the page's language."""
    from shisaku.estimates.adapters import RATES_TABLE

    source = str((rate or {}).get("source", ""))
    if source == RATES_TABLE:
        return str(_("the platform's currency rates table"))
    if source.startswith("ECB"):
        return str(_("ECB euro reference rates shipped with the cost parameters"))
    return source


def _by_process(estimates: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Estimates grouped by process (in the engine's order), for the folded breakdowns."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for x in estimates:
        groups.setdefault(x["process"], []).append(x)
    return [(p, sorted(rows, key=lambda x: (x["quantity"], not x.get("in_plan"), x["region"])))
            for p, rows in groups.items()]


def _chart_series(result: dict[str, Any]) -> dict[str, list[tuple[float, float]]] | None:
    """The chart's numbers: {translated process name: [(quantity, landed unit cost USD)]}, or
    None for an estimate stored before the series were kept."""
    from shisaku.estimates.words import label

    series = result.get("plot_series")
    if series is None:
        return None
    return {label("process", p): [(float(q), float(c)) for q, c in pts]
            for p, pts in series.items()}


def _chart_table(result: dict[str, Any]) -> dict[str, Any] | None:
    """The chart as a table (for readers who cannot see it): quantities as rows, processes as
    columns, None where a process has no cost at that quantity."""
    named = _chart_series(result)
    if not named:
        return None
    names = sorted(named)
    quantities = sorted({q for pts in named.values() for q, _ in pts})
    costs = {name: dict(pts) for name, pts in named.items()}
    return {"names": names,
            "rows": [(int(q) if q.is_integer() else q, [costs[n].get(q) for n in names])
                     for q in quantities]}


@login_required
@require_GET
def estimate_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """The cost chart as an SVG image (image/svg+xml) drawn by matplotlib in the request's
    language from the stored numbers; the page shows it with <img> and alt text, and the same
    numbers as a table. 404 for another user's or an unfinished estimate."""
    from shisaku.engines.costing import cost_curve_svg

    estimate = _own(request, pk)
    if estimate.status != EstimateStatus.DONE:
        raise Http404
    named = _chart_series(estimate.result)
    if named is None:  # stored before the series were kept: the SVG drawn then
        svg = str(estimate.result.get("plot_svg", ""))
        if not svg:
            raise Http404
    else:
        svg = cost_curve_svg(named, title=str(_("Landed unit cost (USD, cheapest region)")),
                             x_label=str(_("quantity")), y_label=str(_("unit cost (USD)")),
                             empty=str(_("no data")))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Vary"] = "Cookie, Accept-Language"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def estimate_pcb(request: HttpRequest) -> HttpResponse:
    """Printed circuit boards: fabrication and assembly cost from the board's data."""
    from shisaku.estimates.forms import PcbForm
    from shisaku.estimates.services import board_estimate

    form = PcbForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = board_estimate(
                width_mm=float(d["width_mm"]), height_mm=float(d["height_mm"]),
                layers=d["layers"], quantities=d["quantities"], components=d["components"],
                smt_placements=d.get("smt_placements"), tht_joints=d["tht_joints"],
                sides=d["sides"], region=d["region"], client_country=d["client_country"])
        except InputError as exc:
            form.add_error(None, refusals.refusal(exc))
    status = 400 if request.method == "POST" and result is None else 200
    return render(request, "estimates/pcb.html", {"form": form, "result": result},
                  status=status)


@login_required
@require_GET
def estimate_mesh(request: HttpRequest, pk: int) -> HttpResponse:
    """The part's preview mesh as JSON for the 3D view (a static script fetches it)."""
    from django.http import JsonResponse

    from shisaku.estimates.services import estimate_preview

    estimate = _own(request, pk)
    if estimate.status != EstimateStatus.DONE:
        raise Http404
    try:
        preview = estimate_preview(estimate=estimate)
    except InputError as exc:
        return JsonResponse({"detail": [refusals.spoken_error(exc).as_dict()]}, status=422)
    return JsonResponse(preview)
