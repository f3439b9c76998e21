"""Aggregates of the insights page: one build per refresh, and its cells.

A cell holds the figures of one filter combination (geography × process × period) of one group
of figures, already suppressed (``choices.SUPPRESSED`` where fewer than ``MIN_GROUP`` firms or
projects stand behind a number). Pages, CSV downloads, the API and open data read cells only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InsightBuild(models.Model):
    """One complete computation of every cell from the raw rows (``build.insights_refresh``)."""

    # Digest of the data generations and row counts it was computed from: an unchanged
    # signature means nothing to recompute.
    signature = models.CharField(max_length=64, db_index=True)
    complete = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    built_at = models.DateTimeField(null=True, blank=True)
    elapsed_ms = models.FloatField(default=0)
    cell_count = models.PositiveIntegerField(default=0)
    # Rows read per source (firms, invitations, RFQs, projects ...): shown on the page.
    sources = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("insights build")
        verbose_name_plural = _("insights builds")

    def __str__(self) -> str:
        return f"build {self.pk} ({self.built_at:%Y-%m-%d %H:%M})" if self.built_at else "build"


class InsightCell(models.Model):
    build = models.ForeignKey(InsightBuild, on_delete=models.CASCADE, related_name="cells")
    group = models.CharField(max_length=12)
    geo = models.CharField(max_length=10, blank=True)      # "" all, "KR", or "KR-11"
    process = models.CharField(max_length=40, blank=True)  # "" all processes
    period = models.CharField(max_length=8)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("insights cell")
        verbose_name_plural = _("insights cells")
        indexes = [models.Index(fields=["build", "group", "period", "process", "geo"],
                                name="insight_cell_lookup")]

    def __str__(self) -> str:
        return f"{self.group}:{self.geo or '*'}:{self.process or '*'}:{self.period}"
