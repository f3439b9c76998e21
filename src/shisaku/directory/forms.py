"""Forms for a manufacturer's own profile and its capabilities (taxonomy pickers, per-language text)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.core.forms import ModelForm
from shisaku.directory.filtersets import _LazyChoices
from shisaku.directory.models import Capability, Manufacturer, Site


class _BlankFirst(_LazyChoices):
    """Taxonomy choices after an empty "—" option, evaluated per request (labels follow the
    language: a ``BaseChoiceIterator`` stays lazy). A select with no empty option makes the
    browser submit its first entry, so an untouched extra row of a formset would arrive as
    "Hokkaido" or "industrial design" and be taken for a row the user filled in."""

    def __iter__(self) -> Any:
        yield ("", "—")
        yield from super().__iter__()


def _multi(kind: str, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, required=False, choices=_LazyChoices(kind),
                                     widget=forms.CheckboxSelectMultiple)


class ProfileForm(ModelForm):
    region = forms.ChoiceField(label=_("Region"), choices=_LazyChoices("region"))
    website = forms.URLField(label=_("Website"), required=False, max_length=300,
                             assume_scheme="https")
    stages = _multi("stage", _("Stages"))
    product_fields = _multi("product_field", _("Product fields"))
    technologies = _multi("technology", _("Technologies"))
    certifications = _multi("certification", _("Certifications"))
    languages = _multi("language", _("Languages"))
    description_en = forms.CharField(label=_("Description (English)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    description_ko = forms.CharField(label=_("Description (Korean)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    description_ja = forms.CharField(label=_("Description (Japanese)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    class Meta:
        model = Manufacturer
        fields = ["name", "name_local", "region", "city", "website", "employees", "founded",
                  "accepts_foreign", "startup_friendly", "stages", "product_fields",
                  "technologies", "certifications", "languages", "equipment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        description = self.instance.description or {}
        for lang in taxonomy.LANGUAGES:
            self.fields[f"description_{lang}"].initial = description.get(lang, "")

    def clean_founded(self) -> int | None:
        year = self.cleaned_data.get("founded")
        if year is not None and not 1800 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 1800 and 2100."))
        return year

    def save(self, commit: bool = True) -> Manufacturer:
        m: Manufacturer = super().save(commit=False)
        region = taxonomy.region(self.cleaned_data["region"])
        if region.code != self.initial.get("region") or m.country != region.country:
            m.country, m.block, m.lat, m.lon = region.country, region.block, region.lat, region.lon
        m.description = {lang: self.cleaned_data[f"description_{lang}"]
                         for lang in taxonomy.LANGUAGES
                         if self.cleaned_data[f"description_{lang}"]}
        if commit:
            m.save()
        return m


class CapabilityForm(ModelForm):
    process = forms.ChoiceField(label=_("Process"), choices=_BlankFirst("process"))
    materials = forms.MultipleChoiceField(label=_("Materials"), required=False,
                                          choices=_LazyChoices("material"))

    class Meta:
        model = Capability
        fields = ["process", "materials", "min_lot", "max_lot", "max_part_x_mm",
                  "max_part_y_mm", "max_part_z_mm", "tolerance_mm", "lead_time_days"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        min_lot, max_lot = data.get("min_lot"), data.get("max_lot")
        if min_lot is not None and max_lot is not None and min_lot > max_lot:
            self.add_error("max_lot", _("The maximum lot must not be below the minimum lot."))
        if min_lot == 0:
            self.add_error("min_lot", _("A lot has at least one unit."))
        dims = [data.get(f"max_part_{a}_mm") for a in "xyz"]
        if any(d is not None for d in dims) and any(d is None for d in dims):
            self.add_error("max_part_z_mm", _("Give all three envelope sizes, or none."))
        for axis, d in zip("xyz", dims, strict=True):
            if d is not None and d <= 0:
                self.add_error(f"max_part_{axis}_mm", _("A size must be above zero."))
        tolerance = data.get("tolerance_mm")
        if tolerance is not None and tolerance <= 0:
            self.add_error("tolerance_mm", _("A tolerance must be above zero."))
        return data


class SiteForm(ModelForm):
    region = forms.ChoiceField(label=_("Region"), choices=_BlankFirst("region"))

    class Meta:
        model = Site
        fields = ["name", "region", "city", "lat", "lon"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lat"].required = False
        self.fields["lon"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            self.add_error("lon", _("Give both coordinates, or none."))
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("lat", _("A latitude lies between -90 and 90."))
        if lon is not None and not -180 <= lon <= 180:
            self.add_error("lon", _("A longitude lies between -180 and 180."))
        if data.get("region") and lat is None and "lon" not in self.errors:
            # Without coordinates the site sits at its region's representative point.
            point = taxonomy.region(data["region"])
            data["lat"], data["lon"] = point.lat, point.lon
            self.instance.lat, self.instance.lon = point.lat, point.lon
        return data


SiteFormSet = inlineformset_factory(
    Manufacturer, Site, form=SiteForm, extra=1, can_delete=True, max_num=30,
)

CapabilityFormSet = inlineformset_factory(
    Manufacturer, Capability, form=CapabilityForm, extra=1, can_delete=True, max_num=60,
)
