from django.contrib import admin

from shisaku.estimates.models import Estimate


@admin.register(Estimate)
class EstimateAdmin(admin.ModelAdmin):
    list_display = ("original_name", "owner", "engine_version", "elapsed_ms", "created_at")
    readonly_fields = ("sha256", "engine_version", "parameters_sha256", "result", "options")
