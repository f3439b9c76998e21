"""Writes on projects: create / update / soft delete, parts, files, stage moves, checklists.

Every function validates its input (InputError naming the field) and records an audit event.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku import taxonomy
from shisaku.accounts.models import Organisation
from shisaku.core.services import audit_record
from shisaku.errors import InputError
from shisaku.projects import specs
from shisaku.projects.choices import (
    CHECKLIST_KEYS,
    CHECKLISTS,
    MAX_QUANTITY,
    MAX_TOLERANCE_MM,
    MIN_TOLERANCE_MM,
    PHASES,
    STAGE_ORDER,
    Confidentiality,
    Currency,
    FileKind,
    Stage,
    SummaryLanguage,
    ToleranceClass,
    checklist_item,
    checklist_missing,
    rule_unmet,
    transition_move,
    transition_note_required,
)
from shisaku.projects.filetypes import display_name, inspect_upload, stored_name
from shisaku.projects.models import (
    ChecklistTick,
    Part,
    PartFile,
    ProgrammeSettings,
    Project,
    StageChange,
)
from shisaku.projects.selectors import parts_of, rfq_threshold

PROJECT_FIELDS = ("title", "summary", "product_field", "qty_prototype", "qty_pilot",
                  "qty_small_lot", "qty_mass", "target_unit_cost", "currency", "deadline",
                  "confidentiality", "coordinator")
PART_FIELDS = ("name", "quantity_per_unit", "process_hints", "material", "finish",
               "tolerance_class", "tolerance_mm", "notes", "spec")


# --- validation -------------------------------------------------------------------------------

def _quantity(field: str, value: Any, *, maximum: int = MAX_QUANTITY) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputError(field, _("a whole number is needed"))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InputError(field, _("a whole number is needed")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise InputError(field, _("a whole number is needed"))
    if number <= 0:
        raise InputError(field, _("must be at least 1"))
    if number > maximum:
        raise InputError(field, _("must be at most %(max)s") % {"max": f"{maximum:,}"})
    return int(number)


def _choice(field: str, value: Any, valid: list[str]) -> str:
    if value not in valid:
        raise InputError(field, _("unknown value %(value)s") % {"value": repr(value)}, valid=valid)
    return str(value)


def _code(kind: str, field: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if value not in taxonomy.codes(kind):
        raise InputError(field, _("unknown code %(value)s") % {"value": repr(value)}, valid=list(taxonomy.codes(kind)))
    return str(value)


def project_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the project fields present in ``data``; unknown keys are refused."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in PROJECT_FIELDS:
            raise InputError(key, _("unknown field"), valid=list(PROJECT_FIELDS))
        if key == "title":
            title = str(value or "").strip()
            if not title:
                raise InputError("title", _("a title is needed"))
            if len(title) > 200:
                raise InputError("title", _("at most 200 characters"))
            out[key] = title
        elif key == "summary":
            if not isinstance(value, Mapping):
                raise InputError("summary", _("an object of language -> text is needed"))
            summary = {}
            for lang, text in value.items():
                _choice("summary", lang, list(SummaryLanguage.values))
                if len(str(text)) > 5000:
                    raise InputError("summary", _("at most 5,000 characters per language"))
                if str(text).strip():
                    summary[lang] = str(text).strip()
            out[key] = summary
        elif key == "product_field":
            out[key] = _code("product_field", key, value)
        elif key.startswith("qty_"):
            out[key] = _quantity(key, value)
        elif key == "target_unit_cost":
            out[key] = _money(value)
        elif key == "currency":
            out[key] = _choice(key, value, list(Currency.values))
        elif key == "confidentiality":
            out[key] = _choice(key, value, list(Confidentiality.values))
        elif key == "deadline":
            out[key] = _date(value)
        elif key == "coordinator":
            out[key] = _coordinator(value)
    return out


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InputError("target_unit_cost", _("a number is needed")) from None
    if not amount.is_finite() or amount <= 0:
        raise InputError("target_unit_cost", _("must be more than 0"))
    if amount >= Decimal("1e12"):
        raise InputError("target_unit_cost", _("too large"))
    return amount.quantize(Decimal("0.01"))


def _date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InputError("deadline", _("a date YYYY-MM-DD is needed")) from None


def _coordinator(value: Any) -> Organisation | None:
    if value is None or value == "":
        return None
    if isinstance(value, Organisation):
        org: Organisation | None = value
    else:
        try:
            org = Organisation.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            org = None
    if org is None or org.kind != "coordinator":
        raise InputError("coordinator", _("no such coordinator organisation"))
    return org


def part_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the part fields present in ``data``; unknown keys are refused."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in PART_FIELDS:
            raise InputError(key, _("unknown field"), valid=list(PART_FIELDS))
        if key == "name":
            name = str(value or "").strip()
            if not name:
                raise InputError("name", _("a name is needed"))
            out[key] = name[:200]
        elif key == "quantity_per_unit":
            qty = _quantity(key, value, maximum=10_000)
            if qty is None:
                raise InputError(key, _("must be at least 1"))
            out[key] = qty
        elif key == "process_hints":
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise InputError(key, _("a list of process codes is needed"))
            out[key] = list(dict.fromkeys(taxonomy.validate_codes("process", list(value))))
        elif key == "material":
            out[key] = _code("material", key, value)
        elif key == "tolerance_class":
            out[key] = "" if not value else _choice(key, value, list(ToleranceClass.values))
        elif key == "tolerance_mm":
            out[key] = _tolerance_mm(value)
        elif key in ("finish", "notes"):
            text = str(value or "").strip()
            if key == "finish" and len(text) > 200:
                raise InputError(key, _("at most 200 characters"))
            out[key] = text
        elif key == "spec":
            if not isinstance(value, Mapping):
                raise InputError("spec", _("an object of field -> value is needed"))
            out[key] = specs.validate_spec(value)
    return out


def _tolerance_mm(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        tol = Decimal(str(value))
    except InvalidOperation:
        raise InputError("tolerance_mm", _("a number of millimetres is needed")) from None
    if not tol.is_finite() or tol <= 0:
        raise InputError("tolerance_mm", _("must be more than 0 mm"))
    if tol < Decimal(str(MIN_TOLERANCE_MM)):
        raise InputError("tolerance_mm", _("below %(mm)s mm no shop can hold it") % {"mm": MIN_TOLERANCE_MM})
    if tol > Decimal(str(MAX_TOLERANCE_MM)):
        raise InputError("tolerance_mm", _("more than %(mm)s mm is not a tolerance; use an "
                                           "ISO 2768 class") % {"mm": f"{MAX_TOLERANCE_MM:g}"})
    return tol.quantize(Decimal("0.0001"))


# --- projects ---------------------------------------------------------------------------------

def _client_key(value: str) -> str:
    key = (value or "").strip()
    if len(key) > 64:
        raise InputError("Idempotency-Key", _("at most 64 characters"))
    return key


def project_create(*, actor: Any, organisation: Organisation, data: Mapping[str, Any],
                   client_key: str = "") -> Project:
    """A new project of ``organisation`` (a startup ``actor`` belongs to) at business design.

    With a ``client_key`` (the API's Idempotency-Key) a retried request returns the project the
    first one created.
    """
    if organisation.kind != "startup" or not organisation.memberships.filter(user=actor).exists():
        raise InputError("organisation", _("you can create projects only for your own startup"))
    clean = project_clean(data)
    if "title" not in clean:
        raise InputError("title", _("a title is needed"))
    client_key = _client_key(client_key)
    if client_key:
        existing = Project.objects.filter(organisation=organisation, client_key=client_key).first()
        if existing is not None:
            return existing
    now = timezone.now()
    try:
        project = _project_insert(actor, organisation, clean, client_key, now)
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its project.
        if not client_key:
            raise
        return Project.objects.get(organisation=organisation, client_key=client_key)
    return project


def _project_insert(actor: Any, organisation: Organisation, clean: dict[str, Any],
                    client_key: str, now: datetime.datetime) -> Project:
    with transaction.atomic():
        project = Project.objects.create(organisation=organisation, created_by=actor,
                                         stage=STAGE_ORDER[0], stage_changed_at=now,
                                         client_key=client_key, **clean)
        StageChange.objects.create(project=project, from_stage="", to_stage=project.stage,
                                   at=now, by=actor, note="")
        audit_record(actor=actor, action="projects.create", obj=project, summary=project.title)
    return project


def project_update(*, actor: Any, project: Project, data: Mapping[str, Any]) -> Project:
    clean = project_clean(data)
    if "title" in data and not clean.get("title"):
        raise InputError("title", _("a title is needed"))
    with transaction.atomic():
        for key, value in clean.items():
            setattr(project, key, value)
        project.save()
        audit_record(actor=actor, action="projects.update", obj=project, summary=project.title,
                     data={"fields": sorted(clean)})
    return project


def project_delete(*, actor: Any, project: Project) -> None:
    """Soft delete: the project leaves every list; rows and the audit trail stay."""
    with transaction.atomic():
        project.deleted_at = timezone.now()
        project.save(update_fields=["deleted_at", "updated_at"])
        audit_record(actor=actor, action="projects.delete", obj=project, summary=project.title)


# --- stages -----------------------------------------------------------------------------------

def stage_move(*, actor: Any, project: Project, to_stage: str, note: str = "") -> StageChange:
    """Move ``project`` to ``to_stage``.

    Forward: one step, and only when the checklist of the stage being left is complete.
    Back: any number of steps, with a note saying why.
    """
    if to_stage not in STAGE_ORDER:
        raise InputError("to_stage", _("unknown stage %(value)s") % {"value": repr(to_stage)}, valid=list(STAGE_ORDER))
    note = (note or "").strip()
    with transaction.atomic():
        # Lock the row: two people pressing "next stage" at once must not skip a stage.
        locked = Project.objects.select_for_update().get(pk=project.pk)
        source = locked.stage
        move = transition_move(source, to_stage)
        if move is None:
            raise InputError("to_stage", _("cannot move from %(source)s to %(target)s: forward "
                                           "moves go one stage at a time")
                             % {"source": _stage_name(source), "target": _stage_name(to_stage)})
        if transition_note_required(source, to_stage) and not note:
            raise InputError("note", _("say why the project goes back a stage"))
        if move == "forward":
            ticked = set(locked.checklist_ticks.values_list("item", flat=True))
            missing = checklist_missing(source, ticked)
            if missing:
                raise InputError("to_stage", _("finish the checklist first: %(items)s")
                                 % {"items": "; ".join(str(i.label) for i in missing)})
            # A tick stays backed by the data: a part added since must be specified too.
            facts = checklist_facts(locked)
            for item in CHECKLISTS.get(source, ()):
                reason = rule_unmet(item.rule, facts) if item.rule else None
                if reason:
                    raise InputError("to_stage", f"{item.label}: {reason}")
        now = timezone.now()
        change = StageChange.objects.create(project=locked, from_stage=source,
                                            to_stage=to_stage, at=now, by=actor, note=note)
        locked.stage = to_stage
        locked.stage_changed_at = now
        locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        audit_record(actor=actor, action="projects.stage_move", obj=locked,
                     summary=f"{source} -> {to_stage}",
                     data={"from": source, "to": to_stage, "note": note})
    project.stage, project.stage_changed_at = locked.stage, locked.stage_changed_at
    return change


def checklist_facts(project: Project) -> dict[str, Any]:
    """The project data the checklist rules read (``choices.rule_unmet``)."""
    threshold = rfq_threshold(project)
    parts = [{"name": p.name,
              "ready": specs.ready_for_rfq(specs.completeness(p).score, threshold),
              "has_geometry": bool(p.file_kinds & {"cad", "drawing"})}
             for p in parts_of(project)]
    return {"target_unit_cost": project.target_unit_cost is not None,
            "quantities": {f: getattr(project, f) for f, _label, _stage in PHASES},
            "parts": parts}


def _stage_name(code: str) -> str:
    """A stage's label in the active language; an unknown code as given."""
    return str(Stage(code).label) if code in Stage.values else code


def checklist_tick(*, actor: Any, project: Project, item: str, done: bool) -> None:
    if item not in CHECKLIST_KEYS:
        raise InputError("item", _("unknown checklist item %(value)s") % {"value": repr(item)}, valid=sorted(CHECKLIST_KEYS))
    owner = checklist_item(item)
    if done and owner is not None and owner[1].rule:
        reason = rule_unmet(owner[1].rule, checklist_facts(project))
        if reason:
            raise InputError("item", reason)
    with transaction.atomic():
        if done:
            ChecklistTick.objects.get_or_create(project=project, item=item,
                                                defaults={"ticked_by": actor})
        else:
            ChecklistTick.objects.filter(project=project, item=item).delete()
        audit_record(actor=actor, action="projects.checklist", obj=project, summary=item,
                     data={"item": item, "done": done, "stage": owner[0] if owner else ""})


# --- parts ------------------------------------------------------------------------------------

def part_create(*, actor: Any, project: Project, data: Mapping[str, Any],
                client_key: str = "") -> Part:
    """A new BOM line at the end of the list (``client_key``: as for :func:`project_create`)."""
    clean = part_clean(data)
    if "name" not in clean:
        raise InputError("name", _("a name is needed"))
    client_key = _client_key(client_key)
    if client_key:
        existing = project.parts.filter(client_key=client_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            position = (project.parts.aggregate(m=Max("position"))["m"] or 0) + 1
            part = Part.objects.create(project=project, position=position,
                                       client_key=client_key, **clean)
            project.save(update_fields=["updated_at"])
            audit_record(actor=actor, action="projects.part_create", obj=part,
                         summary=part.name, data={"project": project.pk})
    except IntegrityError:
        if not client_key:
            raise
        return project.parts.get(client_key=client_key)
    return part


def part_update(*, actor: Any, part: Part, data: Mapping[str, Any]) -> Part:
    """Update the given fields; ``spec`` values are merged (a blank value removes a key)."""
    clean = part_clean({k: v for k, v in data.items() if k != "spec"})
    if "spec" in data:
        raw = data["spec"]
        if not isinstance(raw, Mapping):
            raise InputError("spec", _("an object of field -> value is needed"))
        merged = {**part.spec, **raw}
        clean["spec"] = specs.validate_spec({k: v for k, v in merged.items()})
    with transaction.atomic():
        for key, value in clean.items():
            setattr(part, key, value)
        part.save()
        audit_record(actor=actor, action="projects.part_update", obj=part, summary=part.name,
                     data={"fields": sorted(clean)})
    return part


def part_delete(*, actor: Any, part: Part) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="projects.part_delete", obj=part, summary=part.name,
                     data={"project": part.project_id})
        files = [f.file.name for f in part.files.all()]
        part.delete()
        transaction.on_commit(lambda: _storage_delete(*files))


def _storage_delete(*names: str) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def part_file_add(*, actor: Any, part: Part, upload: UploadedFile, kind: str) -> PartFile:
    """Store an upload after checking its content; nothing stays behind when anything fails."""
    kind = _choice("kind", kind, list(FileKind.values))
    size = int(upload.size or 0)
    max_bytes = settings.SHISAKU_MAX_UPLOAD_MB * 1024 * 1024
    name = display_name(upload.name or "file")
    detected = inspect_upload(upload.file, name=name, size=size, kind=kind,
                              max_bytes=max_bytes)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record = PartFile(part=part, kind=kind, original_name=name[:255], size_bytes=size,
                      sha256=digest.hexdigest(), detected_type=detected, uploaded_by=actor)
    stored = ""
    try:
        with transaction.atomic():
            record.file.save(stored_name(detected), upload, save=False)
            stored = record.file.name
            record.save()
            audit_record(actor=actor, action="projects.file_add", obj=record, summary=name,
                         data={"part": part.pk, "sha256": record.sha256, "type": detected})
    except BaseException:
        if stored:
            _storage_delete(stored)
        raise
    return record


def part_file_delete(*, actor: Any, part_file: PartFile) -> None:
    name = part_file.file.name
    with transaction.atomic():
        audit_record(actor=actor, action="projects.file_delete", obj=part_file,
                     summary=part_file.original_name, data={"part": part_file.part_id})
        part_file.delete()
        transaction.on_commit(lambda: _storage_delete(name))


def programme_settings_set(*, actor: Any, coordinator: Organisation,
                           rfq_min_completeness: float) -> ProgrammeSettings:
    """A coordinator sets the completeness a part needs before an RFQ (0-1)."""
    if coordinator.kind != "coordinator":
        raise InputError("coordinator", _("not a coordinator organisation"))
    if not 0.0 <= float(rfq_min_completeness) <= 1.0:
        raise InputError("rfq_min_completeness", _("must be between 0 and 1"))
    with transaction.atomic():
        obj, _created = ProgrammeSettings.objects.update_or_create(
            coordinator=coordinator,
            defaults={"rfq_min_completeness": float(rfq_min_completeness)})
        audit_record(actor=actor, action="projects.programme_settings", obj=obj,
                     summary=f"rfq_min_completeness={rfq_min_completeness}")
    return obj


def phase_quantities(project: Project) -> list[dict[str, Any]]:
    """The target quantities per phase, for display."""
    return [{"field": f, "label": label, "stage": stage, "value": getattr(project, f)}
            for f, label, stage in PHASES]
