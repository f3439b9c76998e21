"""HTML forms of the window and of consortia; the services validate again (one set of rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.consortia.choices import InquiryKind, InquiryStatus
from shisaku.core.forms import Form
from shisaku.directory.filtersets import _LazyChoices
from shisaku.directory.matching import _EmptyFirst
from shisaku.projects.choices import Stage


class _RegionsAndBlocks:
    """Blocks (e.g. Daegu-Gyeongbuk) then regions, labelled in the active language."""

    def __iter__(self) -> Any:
        from django.utils.translation import get_language

        lang = get_language() or "en"
        blocks = [(c, taxonomy.label("block", c, lang)) for c in taxonomy.BLOCKS]
        return iter([*blocks, *_LazyChoices("region")])


class SendForm(Form):
    coordinator = forms.TypedChoiceField(label=_("Coordinator"), coerce=int, choices=())
    note = forms.CharField(label=_("What do you need?"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, coordinators: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["coordinator"].choices = coordinators  # type: ignore[attr-defined]


class InboxFilterForm(Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any")), ("open", _("Open")), *InquiryStatus.choices,
        ("proposed", _("Proposed")), ("inviting", _("Inviting")), ("formed", _("Formed")),
        ("failed", _("Failed"))])
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Any")), *InquiryKind.choices])
    stage = forms.ChoiceField(label=_("Stage"), required=False,
                              choices=[("", _("Any")), *Stage.choices])


class InquiryForm(Form):
    # Rendered inline in a table row without <label>s: the controls carry aria-labels.
    status = forms.ChoiceField(label=_("Status"), choices=InquiryStatus.choices, required=False,
                               widget=forms.Select(attrs={"aria-label": _("Status")}))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None,
                                   required=False, choices=(),
                                   widget=forms.Select(attrs={"aria-label": _("Owner")}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 2, "aria-label": _("Notes"),
                                                         "placeholder": _("Notes")}))

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]


class PackageForm(Form):
    """One work package: what one firm makes (docs/CONSORTIUM.md)."""

    id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    name = forms.CharField(label=_("Package"), max_length=120)
    processes = forms.MultipleChoiceField(
        label=_("Processes"), choices=_LazyChoices("process"),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    materials = forms.MultipleChoiceField(
        label=_("Materials"), required=False, choices=_LazyChoices("material"),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    quantity = forms.IntegerField(label=_("Quantity (pieces)"), required=False, min_value=1,
                                  max_value=100_000_000)
    parts = forms.MultipleChoiceField(label=_("Parts"), required=False, choices=(),
                                      widget=forms.CheckboxSelectMultiple)
    depends_on = forms.MultipleChoiceField(label=_("Starts after"), required=False,
                                           choices=(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, part_names: list[str], package_choices: list[tuple[str, str]],
                 **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["parts"].choices = [(n, n) for n in part_names]  # type: ignore[attr-defined]
        self.fields["depends_on"].choices = package_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("id") and data["id"] in (data.get("depends_on") or []):
            self.add_error("depends_on", _("A package cannot start after itself."))
        return data


class BasePackageFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, part_names: list[str],
                 package_choices: list[tuple[str, str]], **kw: Any) -> None:
        self.part_names, self.package_choices = part_names, package_choices
        super().__init__(*args, **kw)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"part_names": self.part_names, "package_choices": self.package_choices}

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)
                and f.cleaned_data]
        if not kept:
            raise forms.ValidationError(_("Keep at least one work package."))
        names = [f.cleaned_data["name"].strip().lower() for f in kept]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Two packages have the same name."))


PackageFormSet = forms.formset_factory(PackageForm, formset=BasePackageFormSet, extra=1,
                                       can_delete=True, max_num=30, validate_max=True)


class ConstraintsForm(Form):
    """Where the team may come from: the optimiser honours these (docs/CONSORTIUM.md)."""

    countries = forms.MultipleChoiceField(
        label=_("Only firms in these countries"), required=False,
        choices=_LazyChoices("country"), widget=forms.SelectMultiple(attrs={"size": 5}))
    regions = forms.MultipleChoiceField(
        label=_("Only firms in these regions or blocks"), required=False,
        choices=_RegionsAndBlocks(), widget=forms.SelectMultiple(attrs={"size": 8}))
    max_distance_km = forms.FloatField(label=_("Within (km)"), required=False, min_value=1,
                                       max_value=20_000)
    origin_region = forms.ChoiceField(label=_("Measured from"), required=False,
                                      choices=_EmptyFirst("region"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("max_distance_km") and not data.get("origin_region"):
            self.add_error("origin_region", _("Choose where to measure the distance from."))
        return data

    def constraints(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {}
        for key in ("countries", "regions"):
            if d.get(key):
                out[key] = list(d[key])
        if d.get("max_distance_km"):
            out["max_distance_km"] = d["max_distance_km"]
            out["origin_region"] = d["origin_region"]
        return out


class RespondForm(Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
