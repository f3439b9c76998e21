from django.contrib import admin

from shisaku.core.models import AuditEvent, DataGeneration


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")
    search_fields = ("summary", "object_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):  # the trail is written by services only
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataGeneration)
class DataGenerationAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "updated_at")
    readonly_fields = ("name", "number", "updated_at")
