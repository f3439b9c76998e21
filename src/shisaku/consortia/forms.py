"""HTML forms of the window and of consortia; the services validate again (one set of rules)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shisaku.consortia.choices import InquiryKind, InquiryStatus
from shisaku.core.forms import Form
from shisaku.projects.choices import Stage


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


class PackagesForm(Form):
    packages = forms.CharField(
        label=_("Work packages (JSON)"), widget=forms.Textarea(attrs={"rows": 16,
                                                                      "spellcheck": "false"}),
        help_text=_("A list of packages: id, name, processes, materials, quantity, "
                    "part_size_mm, depends_on."))

    def clean_packages(self) -> Any:
        try:
            value = json.loads(self.cleaned_data["packages"])
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s"),
                                        params={"error": exc}) from None
        if not isinstance(value, list):
            raise forms.ValidationError(_("A JSON list of packages is needed."))
        return value


class RespondForm(Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
