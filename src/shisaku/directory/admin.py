"""Coordinators edit any profile here; saving re-indexes its facets through the service."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shisaku.core.forms import ModelForm
from shisaku.core.services import audit_record
from shisaku.directory.models import Capability, ImportBatch, Manufacturer, Site
from shisaku.directory.services import manufacturer_reindex


class CapabilityInline(admin.TabularInline):
    model = Capability
    extra = 0


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


class ManufacturerAdminForm(ModelForm):
    """Admin edits reach the database in NFC like every other input."""

    website = forms.URLField(label=_("website"), required=False, max_length=300,
                             assume_scheme="https")

    class Meta:
        model = Manufacturer
        fields = "__all__"


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    form = ManufacturerAdminForm
    list_display = ("name", "name_local", "kind", "country", "region", "synthetic", "updated_at")
    list_filter = ("kind", "country", "block", "synthetic", "accepts_foreign")
    search_fields = ("name", "name_local", "slug", "city", "registration_number")
    inlines = [CapabilityInline, SiteInline]
    raw_id_fields = ("organisation",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        manufacturer_reindex(manufacturer=form.instance)
        audit_record(actor=request.user, action="directory.admin_edit", obj=form.instance,
                     summary=form.instance.name)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Batches are written by imports only; the admin shows them."""

    list_display = ("created_at", "source", "file_name", "status", "created_count",
                    "updated_count", "error_count", "coordinator", "organisation")
    list_filter = ("status", "file_format")
    search_fields = ("source", "file_name", "sha256")
    readonly_fields = [f.name for f in ImportBatch._meta.concrete_fields]
    exclude = ("manufacturers",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
