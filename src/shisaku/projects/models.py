"""Projects of startups: stage history, checklist ticks, parts (BOM lines) and their files.

Rules live in services.py and specs.py, not here. An RFQ app references ``Part`` by foreign key
(``Part.id`` is stable; parts of a deleted project stay in the database with the project).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from shisaku.accounts.models import Organisation
from shisaku.projects.choices import (
    MAX_QUANTITY,
    Confidentiality,
    Currency,
    FileKind,
    Stage,
    ToleranceClass,
)


def _quantity(label: Any) -> models.PositiveIntegerField[Any, Any]:
    return models.PositiveIntegerField(
        label, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)])


class Project(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="projects",
                                     limit_choices_to={"kind": "startup"},
                                     verbose_name=_("startup"))
    coordinator = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="coordinated_projects",
                                    limit_choices_to={"kind": "coordinator"},
                                    verbose_name=_("coordinator"))
    title = models.CharField(_("title"), max_length=200)
    # {"ko": "...", "en": "...", "ja": "..."}: any subset of the three languages.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    product_field = models.CharField(_("product field"), max_length=40, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices,
                             default=Stage.BUSINESS_DESIGN)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)
    qty_prototype = _quantity(_("prototype quantity"))
    qty_pilot = _quantity(_("pilot quantity"))
    qty_small_lot = _quantity(_("small-lot quantity"))
    qty_mass = _quantity(_("mass-production quantity"))
    target_unit_cost = models.DecimalField(_("target unit cost"), max_digits=14,
                                           decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices,
                                default=Currency.KRW)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    confidentiality = models.CharField(_("confidentiality"), max_length=20,
                                       choices=Confidentiality.choices,
                                       default=Confidentiality.PRIVATE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Soft delete: the project disappears from every page and endpoint, its audit trail stays.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The API client's Idempotency-Key of the create request: a retried POST returns the same
    # project instead of a second one.
    client_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["organisation", "client_key"], condition=~models.Q(client_key=""),
            name="project_unique_client_key")]
        indexes = [models.Index(fields=["coordinator", "stage"]),
                   models.Index(fields=["organisation", "deleted_at"])]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    def summary_in(self, lang: str) -> str:
        """The summary in ``lang``, else in any language it exists in."""
        if self.summary.get(lang):
            return str(self.summary[lang])
        return next((str(v) for v in self.summary.values() if v), "")


class StageChange(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name_plural = _("stage changes")
        ordering = ["-at", "-id"]
        verbose_name = _("stage change")

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} -> {self.to_stage}"


class ChecklistTick(models.Model):
    """A stage checklist item marked done (``choices.CHECKLISTS`` keys)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checklist_ticks")
    item = models.CharField(max_length=40)
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [models.UniqueConstraint(fields=["project", "item"],
                                               name="checklist_tick_unique")]

    def __str__(self) -> str:
        return self.item


class Part(models.Model):
    """A BOM line. ``spec`` holds the family-specific fields of ``specs.py`` by key."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("name"), max_length=200)
    quantity_per_unit = models.PositiveIntegerField(
        _("quantity per product"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)])
    process_hints = models.JSONField(_("processes"), default=list, blank=True)
    material = models.CharField(_("material"), max_length=40, blank=True)
    finish = models.CharField(_("surface finish"), max_length=200, blank=True)
    tolerance_class = models.CharField(_("tolerance class"), max_length=1, blank=True,
                                       choices=ToleranceClass.choices)
    tolerance_mm = models.DecimalField(_("tolerance (± mm)"), max_digits=7, decimal_places=4,
                                       null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    spec = models.JSONField(_("specification"), default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    client_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(
            fields=["project", "client_key"], condition=~models.Q(client_key=""),
            name="part_unique_client_key")]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self) -> str:
        return self.name

    @property
    def file_kinds(self) -> set[str]:
        """Kinds of the attached files (uses a prefetched ``files`` when there is one)."""
        return {f.kind for f in self.files.all()}


def part_file_path(instance: PartFile, filename: str) -> str:
    """``projects/<project>/<part>/<name>``; services pass a generated name
    (``filetypes.stored_name``: random, the detected type's extension), never the uploader's;
    the uploader's name is ``original_name``."""
    safe = get_valid_filename(PurePath(filename).name)[-40:] or "file"
    part = instance.part
    return f"projects/{part.project_id}/{part.pk}/{safe}"


class PartFile(models.Model):
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to=part_file_path, max_length=300)
    original_name = models.CharField(_("original name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    detected_type = models.CharField(_("detected type"), max_length=10)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("part files")
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("part file")

    def __str__(self) -> str:
        return self.original_name


class ProgrammeSettings(models.Model):
    """Settings a coordinator organisation sets for the startups it supports."""

    coordinator = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                       related_name="programme_settings",
                                       limit_choices_to={"kind": "coordinator"})
    # Minimum spec completeness (0-1) for a part to go out in an RFQ; 1 = every required field.
    rfq_min_completeness = models.FloatField(
        _("minimum completeness for an RFQ"), default=1.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")

    def __str__(self) -> str:
        return f"{self.coordinator}: {self.rfq_min_completeness:.0%}"
