"""In-app notifications and the kinds a user has muted.

A notification keeps its kind and parameters (so the list shows it in the reader's current
language) and the text as it was rendered for the recipient when it was sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_read_idx")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.text


class NotificationMute(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_mutes", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="notif_mute_unique_kind")]
        verbose_name = _("muted notification kind")
        verbose_name_plural = _("muted notification kinds")

    def __str__(self) -> str:
        return self.kind
