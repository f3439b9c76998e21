"""A stored estimate: the file it was made from, the options, the result and the engine used."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.estimates.choices import EstimateStatus, JobStage


def _upload_to(instance: Estimate, filename: str) -> str:
    """Stored as ``part.<ext>`` (the uploader's name, which may be too long for a disk or carry
    path tricks, is ``original_name``)."""
    suffix = "".join(c for c in PurePath(filename).suffix.lower() if c.isalnum())[:8]
    return f"estimates/{instance.sha256[:2]}/{instance.sha256}/part.{suffix or 'bin'}"


class Estimate(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="estimates")
    # Set when the estimate was made from a project part's CAD file (the part's panel).
    part_file = models.ForeignKey("projects.PartFile", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="estimates")
    file = models.FileField(_("CAD file"), upload_to=_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    options = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=60, blank=True)
    parameters_sha256 = models.CharField(max_length=64, blank=True)
    elapsed_ms = models.FloatField(default=0)
    # Large parts are estimated by the worker: the page polls status and stage.
    status = models.CharField(max_length=10, choices=EstimateStatus.choices,
                              default=EstimateStatus.DONE, db_index=True)
    stage = models.CharField(max_length=10, choices=JobStage.choices, default=JobStage.DONE)
    error = models.CharField(max_length=500, blank=True)
    triangles = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%Y-%m-%d})"
