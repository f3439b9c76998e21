"""Project pages: my projects, project create / edit / page, parts with the spec builder,
uploads, the stage pipeline and the coordinator board. Views parse, call, render; access is
decided by selectors (a project you may not see is a 404, never a 403)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shisaku import taxonomy
from shisaku.core.roles import roles_of
from shisaku.directory.matching import stage_filter
from shisaku.errors import InputError
from shisaku.projects import selectors, services, specs
from shisaku.projects.choices import CHECKLISTS, STAGE_ORDER, checklist_missing, transition_move
from shisaku.projects.filetypes import MIME
from shisaku.projects.forms import PartForm, ProjectForm, SpecForm, StageMoveForm, UploadForm
from shisaku.projects.models import Part, Project

_NOT_FOUND = gettext_lazy("No such project among the projects you may see.")


def _project_or_404(request: HttpRequest, pk: int) -> Project:
    project = selectors.project_get(user=request.user, pk=pk)
    if project is None:
        raise Http404(_NOT_FOUND)
    return project


def _part_or_404(request: HttpRequest, pk: int, part_pk: int) -> Part:
    part = selectors.part_get(user=request.user, project_pk=pk, part_pk=part_pk)
    if part is None:
        raise Http404(_("No such part."))
    return part


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def _coordinator_choices() -> list[tuple[int, str]]:
    return list(selectors.coordinators_all().values_list("pk", "name"))


def _apply_errors(form: Any, exc: InputError) -> None:
    field = exc.field.split(".", 1)[-1] if exc.field.startswith("spec.") else exc.field
    form.add_error(field if field in form.fields else None, exc.reason)


def find_manufacturers_url(part: Part) -> str:
    """The matching page prefilled from the part's spec and its project."""
    params: list[tuple[str, str]] = [("process", p) for p in part.process_hints]
    if part.material:
        params.append(("material", part.material))
    quantity = part.spec.get("quantity")
    if quantity:
        params.append(("quantity", str(quantity)))
    project = part.project
    stage = stage_filter(project.stage)  # early stages do not filter (directory/matching.py)
    if stage:
        params.append(("stage", stage))
    if project.product_field:
        params.append(("product_field", project.product_field))
    if project.organisation.country:
        params.append(("client_country", project.organisation.country))
    return reverse("directory:find") + "?" + urlencode(params)


def _part_rows(project: Project) -> list[dict[str, Any]]:
    threshold = selectors.rfq_threshold(project)
    rows = []
    for part in selectors.parts_of(project):
        score, missing = specs.completeness(part)
        rows.append({"part": part, "score": score, "percent": round(score * 100),
                     "missing": missing, "ready": specs.ready_for_rfq(score, threshold),
                     "find_url": find_manufacturers_url(part), "files": list(part.files.all())})
    return rows


def _pipeline(project: Project) -> dict[str, Any]:
    ticked = set(project.checklist_ticks.values_list("item", flat=True))
    here = STAGE_ORDER.index(project.stage)
    stages = [{"code": code, "label": taxonomy.label("stage", code, get_language() or "en"),
               "state": "done" if i < here else "current" if i == here else "todo",
               "move": transition_move(project.stage, code)}
              for i, code in enumerate(STAGE_ORDER)]
    checklist = [{"item": item, "done": item.key in ticked}
                 for item in CHECKLISTS.get(project.stage, ())]
    return {"stages": stages, "checklist": checklist,
            "blocking": checklist_missing(project.stage, ticked),
            "next": STAGE_ORDER[here + 1] if here + 1 < len(STAGE_ORDER) else None,
            "history": list(project.stage_changes.select_related("by"))}


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.projects_visible_to(request.user).select_related(
        "organisation").prefetch_related("parts__files")
    lang = get_language() or "en"
    rows = [{"project": p, "percent": round(specs.project_completeness(p.parts.all()) * 100),
             "stage_label": taxonomy.label("stage", p.stage, lang),
             "summary": p.summary_in(lang)} for p in projects]
    return render(request, "projects/list.html", {
        "rows": rows, "can_create": selectors.startups_of(request.user).exists(),
        "is_coordinator": roles_of(request.user).coordinator})


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    startup = selectors.startups_of(request.user).first()
    if startup is None:
        raise Http404(_("Only members of a startup can create projects."))
    lang = get_language() or "en"
    form = ProjectForm(request.POST or None, coordinators=_coordinator_choices(),
                       initial={"summary_language": lang if lang in ("ko", "en", "ja") else "en"})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, organisation=startup,
                                              data=form.service_data({}))
        except InputError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Project created. Add its parts next."))
            return redirect("projects:detail", pk=project.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/project_form.html",
                  {"form": form, "project": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    lang = get_language() or "en"
    form = ProjectForm(request.POST or None, coordinators=_coordinator_choices(),
                       initial=ProjectForm.initial_for(project, lang))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project,
                                    data=form.service_data(project.summary))
        except InputError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("projects:detail", pk=project.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/project_form.html",
                  {"form": form, "project": project}, status=status)


@login_required
@require_POST
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    if not selectors.project_is_startup_member(user=request.user, project=project):
        raise Http404(_NOT_FOUND)
    services.project_delete(actor=request.user, project=project)
    messages.success(request, _("Project deleted."))
    return redirect("projects:list")


def _detail(request: HttpRequest, project: Project, *, status: int = 200,
            upload_form: UploadForm | None = None) -> HttpResponse:
    lang = get_language() or "en"
    rows = _part_rows(project)
    context = {
        "project": project, "rows": rows,
        "percent": round(sum(r["score"] for r in rows) / len(rows) * 100) if rows else 0,
        "summary": project.summary_in(lang),
        "product_field_label": (taxonomy.label("product_field", project.product_field, lang)
                                if project.product_field else ""),
        "phases": services.phase_quantities(project),
        "pipeline": _pipeline(project),
        "upload_form": upload_form or UploadForm(),
        "can_delete": selectors.project_is_startup_member(user=request.user, project=project),
        "threshold_percent": round(selectors.rfq_threshold(project) * 100),
    }
    return render(request, "projects/detail.html", context, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _project_or_404(request, pk))


@login_required
@require_POST
def stage_move(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    form = StageMoveForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError("to_stage", _("choose a stage"))
        services.stage_move(actor=request.user, project=project,
                            to_stage=form.cleaned_data["to_stage"],
                            note=form.cleaned_data["note"])
    except InputError as exc:
        messages.error(request, exc.reason)  # the stage form's own refusal: no field code
        project.refresh_from_db()
        return _detail(request, project, status=400)
    messages.success(request, _("Stage changed."))
    return redirect("projects:detail", pk=project.pk)


@login_required
@require_POST
def checklist_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    try:
        services.checklist_tick(actor=request.user, project=project,
                                item=request.POST.get("item", ""),
                                done=request.POST.get("done") in ("1", "on", "true"))
    except InputError as exc:
        if _is_htmx(request):
            # htmx swaps only 2xx answers: the refusal is shown inside the checklist.
            return render(request, "projects/_pipeline.html",
                          {"project": project, "pipeline": _pipeline(project),
                           "checklist_error": exc.reason})
        messages.error(request, exc.reason)
        return _detail(request, project, status=400)
    if _is_htmx(request):
        return render(request, "projects/_pipeline.html",
                      {"project": project, "pipeline": _pipeline(project)})
    return redirect("projects:detail", pk=project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def part_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    form = PartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            part = services.part_create(actor=request.user, project=project,
                                        data=form.cleaned_data)
        except InputError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Part added. Fill in its specification."))
            return redirect("projects:part_edit", pk=project.pk, part_pk=part.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/part_form.html",
                  {"project": project, "part": None, "form": form,
                   "spec_form": SpecForm(process_hints=[])}, status=status)


def _hints_from(data: QueryDict, fallback: list[str]) -> list[str]:
    if "process_hints" not in data and "hints_sent" not in data:
        return fallback
    return [c for c in data.getlist("process_hints") if c in taxonomy.codes("process")]


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    part = _part_or_404(request, pk, part_pk)
    project = part.project
    if request.method == "POST":
        hints = _hints_from(request.POST, part.process_hints)
        form = PartForm(request.POST)
        spec_form = SpecForm(request.POST, process_hints=hints)
        if form.is_valid() and spec_form.is_valid():
            try:
                services.part_update(actor=request.user, part=part,
                                     data={**form.cleaned_data, "spec": spec_form.spec_data()})
            except InputError as exc:
                _apply_errors(spec_form if exc.field.startswith("spec.") else form, exc)
            else:
                messages.success(request, _("Part saved."))
                return redirect("projects:part_edit", pk=project.pk, part_pk=part.pk)
        return _part_page(request, part, form=form, spec_form=spec_form, status=400)
    return _part_page(request, part)


def _part_page(request: HttpRequest, part: Part, *, form: PartForm | None = None,
               spec_form: SpecForm | None = None, upload_form: UploadForm | None = None,
               status: int = 200) -> HttpResponse:
    """The part page, with whichever of its forms came back with errors."""
    form = form or PartForm(initial=PartForm.initial_for(part))
    spec_form = spec_form or SpecForm(initial=part.spec, process_hints=part.process_hints)
    score, missing = specs.completeness(part)
    context = {"project": part.project, "part": part, "form": form, "spec_form": spec_form,
               "percent": round(score * 100), "missing": missing,
               "files": list(part.files.all()), "upload_form": upload_form or UploadForm(),
               "find_url": find_manufacturers_url(part)}
    return render(request, "projects/part_form.html", context, status=status)


@login_required
@require_GET
def part_spec_fields(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    """The spec fields for the process codes ticked in the form (htmx re-render)."""
    part = _part_or_404(request, pk, part_pk)
    hints = _hints_from(request.GET, part.process_hints)
    initial = {**part.spec}
    for key in list(request.GET):
        if key.startswith("spec-"):
            initial[key[5:]] = request.GET.get(key)
    spec_form = SpecForm(initial=initial, process_hints=hints)
    return render(request, "projects/_spec_fields.html", {"spec_form": spec_form})


@login_required
@require_POST
def part_delete(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    part = _part_or_404(request, pk, part_pk)
    services.part_delete(actor=request.user, part=part)
    messages.success(request, _("Part removed."))
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def file_upload(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    part = _part_or_404(request, pk, part_pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.part_file_add(actor=request.user, part=part,
                                   upload=form.cleaned_data["file"],
                                   kind=form.cleaned_data["kind"])
        except InputError as exc:
            form.add_error("file", exc.reason)
        else:
            messages.success(request, _("File uploaded."))
            return redirect("projects:part_edit", pk=pk, part_pk=part.pk)
    # Back on the part page the file was sent from, the errors summarised at the top.
    return _part_page(request, part, upload_form=form, status=400)


@login_required
@require_GET
def file_download(request: HttpRequest, pk: int, part_pk: int, file_pk: int) -> FileResponse:
    part_file = selectors.file_get(user=request.user, project_pk=pk, part_pk=part_pk,
                                   file_pk=file_pk)
    if part_file is None:
        raise Http404(_("No such file."))
    return FileResponse(part_file.file.open("rb"), as_attachment=True,
                        filename=part_file.original_name,
                        content_type=MIME.get(part_file.detected_type,
                                              "application/octet-stream"))


@login_required
@require_POST
def file_delete(request: HttpRequest, pk: int, part_pk: int, file_pk: int) -> HttpResponse:
    part_file = selectors.file_get(user=request.user, project_pk=pk, part_pk=part_pk,
                                   file_pk=file_pk)
    if part_file is None:
        raise Http404(_("No such file."))
    services.part_file_delete(actor=request.user, part_file=part_file)
    messages.success(request, _("File removed."))
    return redirect("projects:part_edit", pk=pk, part_pk=part_pk)


def _coordinator_orgs(request: HttpRequest) -> list[Any]:
    orgs = list(selectors.coordinators_all().filter(memberships__user=request.user).distinct()
                .select_related("programme_settings"))
    if not orgs:
        raise Http404(_("This page is for coordinators."))
    return orgs


@login_required
@require_POST
def programme_settings(request: HttpRequest) -> HttpResponse:
    """A coordinator sets the completeness a part needs before an RFQ, in percent."""
    orgs = {str(o.pk): o for o in _coordinator_orgs(request)}
    org = orgs.get(request.POST.get("coordinator", ""))
    if org is None:
        raise Http404(_("No such coordinator organisation among yours."))
    try:
        percent = float(request.POST.get("rfq_min_percent", ""))
        services.programme_settings_set(actor=request.user, coordinator=org,
                                        rfq_min_completeness=percent / 100)
    except ValueError as exc:  # InputError is a ValueError too
        messages.error(request, _("RFQ threshold: a percentage from 0 to 100 is needed.")
                       + (f" ({exc})" if isinstance(exc, InputError) else ""))
        return redirect("projects:coordinator")
    messages.success(request, _("RFQ threshold saved."))
    return redirect("projects:coordinator")


@login_required
@require_GET
def coordinator_board(request: HttpRequest) -> HttpResponse:
    orgs = _coordinator_orgs(request)
    try:
        days = int(request.GET.get("days", "30"))
        if not 1 <= days <= 3650:
            raise ValueError
    except ValueError:
        return HttpResponse(_("days: a whole number of days from 1 to 3650 is needed"),
                            status=400)
    board = selectors.coordinator_board(user=request.user, stuck_days=days)
    lang = get_language() or "en"
    columns = [{"code": code, "label": taxonomy.label("stage", code, lang),
                "projects": board["by_stage"].get(code, [])} for code in STAGE_ORDER]
    settings_rows = []
    for org in orgs:
        current = getattr(org, "programme_settings", None)
        value = current.rfq_min_completeness if current is not None else 1.0
        settings_rows.append({"org": org, "percent": round(value * 100)})
    return render(request, "projects/coordinator.html",
                  {"columns": columns, "stuck": board["stuck"], "days": days,
                   "count": len(board["projects"]), "settings_rows": settings_rows})
