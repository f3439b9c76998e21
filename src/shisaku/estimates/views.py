"""Estimate pages: upload a part, then read its geometry, DFM findings, costs and plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from shisaku.errors import InputError
from shisaku.estimates import selectors
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
        return render(request, "estimates/pending.html", {"e": estimate})
    result = estimate.result
    # The plot is drawn by engines.costing.plot from numbers and taxonomy labels only.
    plot = mark_safe(result.get("plot_svg", ""))  # noqa: S308
    return render(request, "estimates/detail.html", {
        "e": estimate, "g": result.get("geometry", {}), "dfm": result.get("dfm", []),
        "plan": result.get("plan", []), "crossovers": result.get("crossovers", []),
        "estimates": result.get("estimates", []), "target": result.get("target"),
        "plot": plot,
    })
