from __future__ import annotations

from django.contrib import admin

from shisaku.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "kind", "text", "created_at", "read_at")
    list_filter = ("kind",)
    readonly_fields = ("created_at",)
