"""HTML forms of projects and parts; the services validate again (one set of rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.core.forms import Form
from shisaku.projects import specs
from shisaku.projects.choices import (
    MAX_QUANTITY,
    STAGE_ORDER,
    Confidentiality,
    Currency,
    FileKind,
    SummaryLanguage,
    ToleranceClass,
)
from shisaku.projects.models import Part, Project


def _taxonomy_choices(kind: str, blank: bool = True) -> list[tuple[str, str]]:
    lang = get_language() or "en"
    out = [("", "—")] if blank else []
    return out + [(code, taxonomy.label(kind, code, lang)) for code in taxonomy.codes(kind)]


def _qty(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_QUANTITY)


class ProjectForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(
        attrs={"rows": 4}), max_length=5000)
    summary_language = forms.ChoiceField(label=_("Language of the summary"),
                                         choices=SummaryLanguage.choices)
    product_field = forms.ChoiceField(label=_("Product field"), required=False)
    qty_prototype = _qty(_("Prototype quantity"))
    qty_pilot = _qty(_("Pilot lot quantity (e.g. 300)"))
    qty_small_lot = _qty(_("Small-lot quantity (e.g. 5,000)"))
    qty_mass = _qty(_("Mass-production quantity (e.g. 30,000)"))
    target_unit_cost = forms.DecimalField(label=_("Target unit cost"), required=False,
                                          min_value=0.01, max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    deadline = forms.DateField(label=_("Deadline"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    confidentiality = forms.ChoiceField(label=_("Confidentiality"),
                                        choices=Confidentiality.choices)
    coordinator = forms.ChoiceField(label=_("Coordinator (the window supporting you)"),
                                    required=False)

    def __init__(self, *args: Any, coordinators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_field"].choices = _taxonomy_choices("product_field")
        self.fields["coordinator"].choices = [("", "—")] + [(str(pk), name)
                                                           for pk, name in coordinators]

    @classmethod
    def initial_for(cls, project: Project, lang: str) -> dict[str, Any]:
        summary_lang = lang if project.summary.get(lang) else next(iter(project.summary), lang)
        return {"title": project.title, "summary": project.summary.get(summary_lang, ""),
                "summary_language": summary_lang, "product_field": project.product_field,
                "qty_prototype": project.qty_prototype, "qty_pilot": project.qty_pilot,
                "qty_small_lot": project.qty_small_lot, "qty_mass": project.qty_mass,
                "target_unit_cost": project.target_unit_cost, "currency": project.currency,
                "deadline": project.deadline, "confidentiality": project.confidentiality,
                "coordinator": project.coordinator_id or ""}

    def service_data(self, existing_summary: dict[str, str]) -> dict[str, Any]:
        """The cleaned values as the services expect them."""
        data = dict(self.cleaned_data)
        summary = dict(existing_summary)
        summary[data.pop("summary_language")] = data.pop("summary")
        data["summary"] = summary
        return data


class PartForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    quantity_per_unit = forms.IntegerField(label=_("Quantity per product"), min_value=1,
                                           max_value=10_000, initial=1)
    process_hints = forms.MultipleChoiceField(label=_("Processes"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    material = forms.ChoiceField(label=_("Material"), required=False)
    finish = forms.CharField(label=_("Surface finish"), required=False, max_length=200)
    tolerance_class = forms.ChoiceField(
        label=_("General tolerance (ISO 2768)"), required=False,
        choices=[("", "—"), *ToleranceClass.choices])
    tolerance_mm = forms.DecimalField(label=_("Tightest tolerance (± mm)"), required=False,
                                      max_digits=7, decimal_places=4)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process_hints"].choices = _taxonomy_choices("process", blank=False)
        self.fields["material"].choices = _taxonomy_choices("material")

    @classmethod
    def initial_for(cls, part: Part) -> dict[str, Any]:
        return {k: getattr(part, k) for k in ("name", "quantity_per_unit", "process_hints",
                                              "material", "finish", "tolerance_class",
                                              "tolerance_mm", "notes")}


def _spec_form_field(spec_field: specs.SpecField) -> forms.Field:
    common: dict[str, Any] = {"label": spec_field.label, "required": False,
                              "help_text": spec_field.help_text}
    if spec_field.kind == "int":
        return forms.IntegerField(min_value=spec_field.min_value,
                                  max_value=spec_field.max_value, **common)
    if spec_field.kind == "decimal":
        return forms.DecimalField(min_value=spec_field.min_value,
                                  max_value=spec_field.max_value, **common)
    if spec_field.kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *spec_field.choices], **common)
    return forms.CharField(max_length=500, **common)


class SpecForm(Form):
    """The ``Part.spec`` fields of the families of the given process codes (prefix ``spec``).

    Fields stored elsewhere (material, tolerance, finish: the part form; drawings and models:
    uploads) are listed by the template as reminders, not repeated here.
    """

    def __init__(self, *args: Any, process_hints: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "spec")
        super().__init__(*args, **kwargs)
        self.spec_fields = specs.fields_for(process_hints)
        for f in self.spec_fields:
            if f.source == "spec":
                self.fields[f.key] = _spec_form_field(f)
                self.fields[f.key].required_for_quote = f.required  # type: ignore[attr-defined]
                self.fields[f.key].why = f.why  # type: ignore[attr-defined]

    def spec_data(self) -> dict[str, Any]:
        return {k: ("" if v is None else v) for k, v in self.cleaned_data.items()}


class StageMoveForm(Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=[(s, s) for s in STAGE_ORDER])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class UploadForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FileKind.choices)
    file = forms.FileField(label=_("File"))
