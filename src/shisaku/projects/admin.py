from django.contrib import admin

from shisaku.projects.models import Part, PartFile, ProgrammeSettings, Project, StageChange


class PartInline(admin.TabularInline):
    model = Part
    extra = 0
    fields = ("name", "quantity_per_unit", "process_hints", "material")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "coordinator", "stage", "stage_changed_at",
                    "deleted_at")
    list_filter = ("stage", "confidentiality")
    search_fields = ("title", "organisation__name")
    inlines = [PartInline]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("project", "from_stage", "to_stage", "at", "by")


@admin.register(PartFile)
class PartFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "part", "kind", "detected_type", "size_bytes", "uploaded_at")


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(admin.ModelAdmin):
    list_display = ("coordinator", "rfq_min_completeness")
