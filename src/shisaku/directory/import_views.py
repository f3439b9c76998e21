"""Coordinator pages for pool imports: upload (a dry run kept as a batch), the report with every
bad row, the decoded-name sample and probable duplicates, confirmation, and the batch list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shisaku import taxonomy
from shisaku.directory import batches
from shisaku.directory.choices import DuplicatePolicy, ImportBatchStatus
from shisaku.directory.import_forms import ImportConfirmForm, ImportUploadForm, upload_limit_mb
from shisaku.directory.import_messages import translate_reason
from shisaku.directory.models import ImportBatch
from shisaku.directory.services import (
    import_batch_check,
    import_batch_discard,
    import_batch_load,
)
from shisaku.errors import InputError

MAX_ERRORS_SHOWN = 5000


def _require_coordinator(request: HttpRequest) -> None:
    if not batches.can_import(request.user):
        raise Http404(_("Pool imports are for coordinators."))


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = batches.import_batches_visible_to(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404(_("No such import batch."))
    return batch


@login_required
@require_GET
def import_batch_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    page = Paginator(batches.import_batches_visible_to(request.user), 50).get_page(
        request.GET.get("page"))
    return render(request, "directory/imports/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def import_batch_new(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = import_batch_check(
                    data=upload.read(), file_name=upload.name, fmt=form.file_format,
                    source=form.cleaned_data["source"], actor=request.user,
                    organisation=batches.coordinator_organisation(request.user),
                    encoding=form.cleaned_data["encoding"] or None,
                    duplicates=form.cleaned_data["duplicates"])
            except InputError as exc:
                form.add_error("file", f"{exc.field}: {translate_reason(exc.reason)}")
            else:
                return redirect("directory:import_detail", pk=batch.pk)
        status = 400
    return render(request, "directory/imports/new.html",
                  {"form": form, "limit_mb": upload_limit_mb()}, status=status)


@login_required
@require_GET
def import_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    batch = _batch(request, pk)
    return _render_detail(request, batch, ImportConfirmForm(initial={
        "duplicates": batch.duplicates}))


def _render_detail(request: HttpRequest, batch: ImportBatch, form: ImportConfirmForm,
                   status: int = 200) -> HttpResponse:
    report = batch.report or {}
    errors = [{**e, "reason": translate_reason(e.get("reason", ""))}
              for e in report.get("errors", [])[:MAX_ERRORS_SHOWN]]
    firms = Paginator(batches.import_batch_firms(batch), 100).get_page(request.GET.get("page"))
    lang = get_language() or "en"
    for firm in firms.object_list:
        firm.region_label = taxonomy.label("region", firm.region, lang)
    context = {
        "batch": batch, "report": report, "errors": errors,
        "errors_hidden": max(0, batch.error_count - len(errors)),
        "duplicates": report.get("duplicates", []), "sample": report.get("sample", []),
        "can_load": batch.status == ImportBatchStatus.CHECKED, "form": form,
        "firms": firms, "loaded": batch.status == ImportBatchStatus.LOADED,
    }
    return render(request, "directory/imports/detail.html", context, status=status)


@login_required
@require_POST
def import_batch_load_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    batch = _batch(request, pk)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, batch, form, status=400)
    try:
        batch = import_batch_load(batch=batch, actor=request.user,
                                  duplicates=form.cleaned_data["duplicates"])
    except InputError as exc:
        form.add_error(None, f"{exc.field}: {exc.reason}")
        return _render_detail(request, batch, form, status=400)
    if batch.status == ImportBatchStatus.LOADED:
        messages.success(request, _("Loaded: %(created)s created, %(updated)s updated.") % {
            "created": batch.created_count, "updated": batch.updated_count})
        return redirect("directory:import_detail", pk=batch.pk)
    if batch.duplicates == DuplicatePolicy.REFUSE and batch.report.get("duplicates"):
        form.add_error("duplicates", _("Choose what to do with the probable duplicates."))
    else:
        form.add_error(None, _("Nothing was loaded: the check found problems (below)."))
    return _render_detail(request, batch, form, status=400)


@login_required
@require_POST
def import_batch_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    batch = _batch(request, pk)
    try:
        import_batch_discard(batch=batch, actor=request.user)
    except InputError as exc:
        messages.error(request, exc.reason)
    return redirect("directory:import_detail", pk=batch.pk)
