"""Coordinators edit any profile here; saving re-indexes its facets through the service."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
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


# JSON fields of a profile that hold lists of taxonomy codes -> the taxonomy kind.
_CODE_LISTS = {"stages": "stage", "product_fields": "product_field",
               "technologies": "technology", "certifications": "certification",
               "languages": "language"}


class ManufacturerAdminForm(ModelForm):
    """Admin edits reach the database in NFC like every other input, and in the shapes the
    site reads: the admin's JSON boxes took a description that was a list or a string, or
    stages given as one string (the profile page and the API then answered 500), and a region
    the taxonomy does not know, or one in another country or block than the profile's; and
    coordinates off the globe."""

    website = forms.URLField(label=_("website"), required=False, max_length=300,
                             assume_scheme="https")

    class Meta:
        model = Manufacturer
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, kind in _CODE_LISTS.items():
            value = data.get(field)
            if field not in data:
                continue
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                self.add_error(field, _('A list of codes, such as ["%(code)s"].')
                               % {"code": taxonomy.terms(kind)[0].code})
                continue
            known = {t.code for t in taxonomy.terms(kind)}
            unknown = [c for c in value if c not in known]
            if unknown:
                self.add_error(field, _("Unknown codes: %(codes)s.")
                               % {"codes": ", ".join(unknown)})
        description = data.get("description")
        if "description" in data and not (
                isinstance(description, dict)
                and all(isinstance(k, str) and isinstance(v, str)
                        for k, v in description.items())):
            self.add_error("description", _('One text per language, such as '
                                            '{"ko": "…", "en": "…", "ja": "…"}.'))
        # (as on the profile form: a point off the globe broke the distance sort and the map)
        lat, lon = data.get("lat"), data.get("lon")
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("lat", _("A latitude lies between -90 and 90."))
        if lon is not None and not -180 <= lon <= 180:
            self.add_error("lon", _("A longitude lies between -180 and 180."))
        region = taxonomy.REGIONS.get(data.get("region") or "")
        if "region" in data and region is None:
            self.add_error("region", _("Unknown region code."))
        elif region is not None:
            for field in ("country", "block"):
                if field in data and data[field] != getattr(region, field):
                    self.add_error(field, _("The region %(region)s lies in %(value)s.")
                                   % {"region": region.code, "value": getattr(region, field)})
        return data


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
