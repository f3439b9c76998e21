"""Estimate pages: upload a part, then read its geometry, DFM findings, costs and plan."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shisaku import taxonomy
from shisaku.engines.costing.plot import cost_curve_svg
from shisaku.errors import InputError
from shisaku.estimates import selectors
from shisaku.estimates.forms import EstimateForm
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
            form.add_error(exc.field if exc.field in form.fields else "file", exc.reason)
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
        messages.error(request, str(exc))
        return redirect("projects:detail", pk=part_file.part.project_id)
    return redirect("estimates:detail", pk=estimate.pk)


def _plot(result: dict[str, Any]) -> str:
    """The cost curves (a data: URI of an SVG) redrawn per request with process names in the reader's language (the
    stored chart names its series by code): per process and quantity, the best region's
    landed unit cost. Drawn by engines.costing.plot, which escapes every label."""
    lang = get_language() or "en"
    best: dict[str, dict[float, float]] = {}
    for row in result.get("estimates", []):
        try:
            q, cost = float(row["quantity"]), float(row["unit_cost"])
        except (KeyError, TypeError, ValueError):
            continue
        curve = best.setdefault(taxonomy.label("process", row.get("process", ""), lang), {})
        curve[q] = min(cost, curve.get(q, cost))
    if not best:
        return ""
    series = {name: sorted(points.items()) for name, points in best.items()}
    svg = cost_curve_svg(series, title=str(_("Landed unit cost (USD, best region)")),
                         x_label=str(_("Quantity")), y_label=str(_("Unit cost (USD)")))
    # Shown as an image (a data: URI), never inserted as markup: whatever the SVG holds, it
    # cannot script the page (the CSP allows img data:).
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
@require_GET
def estimate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = selectors.estimates_of(request.user).filter(pk=pk).first()
    if estimate is None:
        raise Http404
    result = estimate.result
    plot = _plot(result)
    return render(request, "estimates/detail.html", {
        "e": estimate, "g": result.get("geometry", {}), "dfm": result.get("dfm", []),
        "plan": result.get("plan", []), "crossovers": result.get("crossovers", []),
        "estimates": result.get("estimates", []), "target": result.get("target"),
        "plot": plot,
    })
