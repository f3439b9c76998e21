"""Coordinators edit any profile here; saving re-indexes its facets through the service."""

from django.contrib import admin

from shisaku.core.services import audit_record
from shisaku.directory.models import Capability, Manufacturer, Site
from shisaku.directory.services import manufacturer_reindex


class CapabilityInline(admin.TabularInline):
    model = Capability
    extra = 0


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ("name", "name_local", "kind", "country", "region", "synthetic", "updated_at")
    list_filter = ("kind", "country", "block", "synthetic", "accepts_foreign")
    search_fields = ("name", "name_local", "slug", "city")
    inlines = [CapabilityInline, SiteInline]
    raw_id_fields = ("organisation",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        manufacturer_reindex(manufacturer=form.instance)
        audit_record(actor=request.user, action="directory.admin_edit", obj=form.instance,
                     summary=form.instance.name)
