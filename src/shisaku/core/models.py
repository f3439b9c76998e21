"""The data generation counter (cache invalidation across processes) and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataGeneration(models.Model):
    """One row per data domain; its number rises on every write that invalidates derived data.

    Every worker process compares its cached number with this row (one indexed read) so that
    a change made through any process is seen by all of them on their next request.
    """

    name = models.CharField(max_length=50, unique=True)
    number = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("data generations")
        verbose_name = _("data generation")

    def __str__(self) -> str:
        return f"{self.name}#{self.number}"


class AuditEvent(models.Model):
    """Who did what to which object, kept even when the object itself is deleted."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
