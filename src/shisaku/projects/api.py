"""`/api/v1/projects`: the startup's projects, parts, files, stages and spec completeness.

Session authentication (the web login). A project the caller may not see answers 404, like one
that does not exist, so that existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from shisaku.errors import InputError
from shisaku.projects import selectors, services, specs
from shisaku.projects.choices import CHECKLISTS
from shisaku.projects.models import Part, PartFile, Project
from shisaku.projects.schemas import (
    ChecklistIn,
    CompletenessOut,
    ErrorOut,
    PartFileOut,
    PartIn,
    PartOut,
    ProjectBrief,
    ProjectIn,
    ProjectOut,
    StageMoveIn,
)
from shisaku.tokens.auth import API_AUTH

router = Router(tags=["projects"], auth=API_AUTH)

_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


def _project(request: HttpRequest, project_id: int) -> Project:
    project = selectors.project_get(user=request.user, pk=project_id)
    if project is None:
        raise HttpError(404, gettext("no such project"))
    return project


def _part(request: HttpRequest, project_id: int, part_id: int) -> Part:
    part = selectors.part_get(user=request.user, project_pk=project_id, part_pk=part_id)
    if part is None:
        raise HttpError(404, gettext("no such part"))
    return part


def _file_out(f: PartFile) -> dict[str, Any]:
    return {"id": f.pk, "kind": f.kind, "original_name": f.original_name,
            "size_bytes": f.size_bytes, "sha256": f.sha256, "detected_type": f.detected_type,
            "uploaded_at": f.uploaded_at}


def _part_out(part: Part, threshold: float | None = None) -> dict[str, Any]:
    score, missing = specs.completeness(part)
    if threshold is None:
        threshold = selectors.rfq_threshold(part.project)
    return {"id": part.pk, "project_id": part.project_id, "name": part.name,
            "quantity_per_unit": part.quantity_per_unit, "process_hints": part.process_hints,
            "material": part.material, "finish": part.finish,
            "tolerance_class": part.tolerance_class,
            "tolerance_mm": float(part.tolerance_mm) if part.tolerance_mm is not None else None,
            "notes": part.notes, "spec": part.spec,
            "files": [_file_out(f) for f in part.files.all()],
            "completeness": score, "missing": missing,
            "ready_for_rfq": specs.ready_for_rfq(score, threshold)}


def _project_out(project: Project) -> dict[str, Any]:
    ticked = set(project.checklist_ticks.values_list("item", flat=True))
    return {
        "id": project.pk, "organisation": project.organisation_id,
        "coordinator": project.coordinator_id, "title": project.title,
        "summary": project.summary, "product_field": project.product_field,
        "stage": project.stage, "stage_changed_at": project.stage_changed_at,
        "qty_prototype": project.qty_prototype, "qty_pilot": project.qty_pilot,
        "qty_small_lot": project.qty_small_lot, "qty_mass": project.qty_mass,
        "target_unit_cost": (float(project.target_unit_cost)
                             if project.target_unit_cost is not None else None),
        "currency": project.currency, "deadline": project.deadline,
        "confidentiality": project.confidentiality,
        "completeness": specs.project_completeness(selectors.parts_of(project)),
        "checklist": [{"item": i.key, "label": str(i.label), "why": str(i.why),
                       "done": i.key in ticked} for i in CHECKLISTS.get(project.stage, ())],
        "history": [{"from_stage": c.from_stage, "to_stage": c.to_stage, "at": c.at,
                     "by": c.by.username if c.by else None, "note": c.note}
                    for c in project.stage_changes.select_related("by")],
    }


def _given(payload: Any) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


@router.get("", response=list[ProjectBrief], summary="Projects you can see")
def list_projects(request: HttpRequest) -> list[dict[str, Any]]:
    projects = selectors.projects_visible_to(request.user).prefetch_related("parts__files")
    return [{"id": p.pk, "title": p.title, "stage": p.stage, "organisation": p.organisation_id,
             "completeness": specs.project_completeness(p.parts.all())} for p in projects]


@router.post("", response={201: ProjectOut, 404: ErrorOut, 422: ErrorOut},
             summary="Create a project for your startup (send an Idempotency-Key header to "
                     "make retries safe)")
def create_project(request: HttpRequest, payload: ProjectIn) -> Status[dict[str, Any]]:
    data = _given(payload)
    startups = selectors.startups_of(request.user)
    org_id = data.pop("organisation", None)
    organisation = (startups.filter(pk=org_id).first() if org_id is not None
                    else startups.first())
    if organisation is None:
        raise InputError("organisation", gettext("you are not a member of such a startup"))
    project = services.project_create(actor=request.user, organisation=organisation, data=data,
                                      client_key=request.headers.get("Idempotency-Key", ""))
    return Status(201, _project_out(project))


@router.get("/{project_id}", response={200: ProjectOut, 404: ErrorOut})
def get_project(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return _project_out(_project(request, project_id))


@router.patch("/{project_id}", response={200: ProjectOut, 404: ErrorOut, 422: ErrorOut})
def update_project(request: HttpRequest, project_id: int, payload: ProjectIn) -> dict[str, Any]:
    project = _project(request, project_id)
    data = _given(payload)
    if "organisation" in data:
        raise InputError("organisation", gettext("a project cannot change startup"))
    services.project_update(actor=request.user, project=project, data=data)
    return _project_out(project)


@router.delete("/{project_id}", response={204: None, 404: ErrorOut})
def delete_project(request: HttpRequest, project_id: int) -> Status[None]:
    project = _project(request, project_id)
    if not selectors.project_is_startup_member(user=request.user, project=project):
        raise HttpError(404, gettext("no such project"))
    services.project_delete(actor=request.user, project=project)
    return Status(204, None)


@router.post("/{project_id}/stage", response={200: ProjectOut, **_ERRORS},
             summary="Move the project to another stage")
def move_stage(request: HttpRequest, project_id: int, payload: StageMoveIn) -> dict[str, Any]:
    project = _project(request, project_id)
    services.stage_move(actor=request.user, project=project, to_stage=payload.to_stage,
                        note=payload.note)
    return _project_out(project)


@router.post("/{project_id}/checklist", response={200: ProjectOut, **_ERRORS},
             summary="Tick or untick a stage checklist item")
def tick_checklist(request: HttpRequest, project_id: int, payload: ChecklistIn) -> dict[str, Any]:
    project = _project(request, project_id)
    services.checklist_tick(actor=request.user, project=project, item=payload.item,
                            done=payload.done)
    return _project_out(project)


@router.get("/{project_id}/completeness", response={200: CompletenessOut, 404: ErrorOut})
def get_completeness(request: HttpRequest, project_id: int) -> dict[str, Any]:
    project = _project(request, project_id)
    threshold = selectors.rfq_threshold(project)
    parts = list(selectors.parts_of(project))
    rows = []
    for part in parts:
        score, missing = specs.completeness(part)
        rows.append({"id": part.pk, "name": part.name, "score": score, "missing": missing,
                     "ready_for_rfq": specs.ready_for_rfq(score, threshold)})
    return {"project": specs.project_completeness(parts), "threshold": threshold,
            "parts": rows}


@router.get("/{project_id}/parts", response={200: list[PartOut], 404: ErrorOut})
def list_parts(request: HttpRequest, project_id: int) -> list[dict[str, Any]]:
    project = _project(request, project_id)
    threshold = selectors.rfq_threshold(project)
    return [_part_out(p, threshold) for p in selectors.parts_of(project)]


@router.post("/{project_id}/parts", response={201: PartOut, **_ERRORS})
def create_part(request: HttpRequest, project_id: int,
                payload: PartIn) -> Status[dict[str, Any]]:
    project = _project(request, project_id)
    part = services.part_create(actor=request.user, project=project, data=_given(payload),
                                client_key=request.headers.get("Idempotency-Key", ""))
    return Status(201, _part_out(part))


@router.get("/{project_id}/parts/{part_id}", response={200: PartOut, 404: ErrorOut})
def get_part(request: HttpRequest, project_id: int, part_id: int) -> dict[str, Any]:
    return _part_out(_part(request, project_id, part_id))


@router.patch("/{project_id}/parts/{part_id}", response={200: PartOut, **_ERRORS},
              summary="Update a part; spec values merge, a blank value removes one")
def update_part(request: HttpRequest, project_id: int, part_id: int,
                payload: PartIn) -> dict[str, Any]:
    part = _part(request, project_id, part_id)
    services.part_update(actor=request.user, part=part, data=_given(payload))
    return _part_out(part)


@router.delete("/{project_id}/parts/{part_id}", response={204: None, 404: ErrorOut})
def delete_part(request: HttpRequest, project_id: int, part_id: int) -> Status[None]:
    services.part_delete(actor=request.user, part=_part(request, project_id, part_id))
    return Status(204, None)


@router.post("/{project_id}/parts/{part_id}/files", response={201: PartFileOut, **_ERRORS},
             summary="Upload a CAD model, drawing or image (multipart: kind, file)")
def upload_file(request: HttpRequest, project_id: int, part_id: int,
                kind: Form[str], file: File[UploadedFile]) -> Status[dict[str, Any]]:
    part = _part(request, project_id, part_id)
    record = services.part_file_add(actor=request.user, part=part, upload=file, kind=kind)
    return Status(201, _file_out(record))
