"""Forms of the claim page, the coordinator's decision, the manufacturer sign-up and the
"find your firm" step before it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.accounts.forms import SignupForm
from shisaku.claims.choices import RejectReason
from shisaku.core.forms import Form


class ClaimForm(Form):
    registration_number = forms.CharField(
        label=_("Business registration number"), max_length=40, required=False,
        help_text=_("Checked by its country's check digits."))
    email = forms.EmailField(
        label=_("Your e-mail address on the firm's web domain"), required=False,
        help_text=_("We send a one-time link to it."))
    via = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)


class DecisionForm(Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.ChoiceField(label=_("Reason"), required=False,
                               choices=[("", "—"), *RejectReason.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Choose a reason from the list."))
        return data


def _region_choices() -> list[tuple[str, str]]:
    lang = get_language() or "en"
    return [("", "—")] + [(code, f"{taxonomy.label('country', r.country, lang)} · "
                                 f"{taxonomy.label('region', code, lang)}")
                          for code, r in taxonomy.REGIONS.items()]


class FindFirmForm(Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"))
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(c, labels["en"]) for c, labels in
                                          taxonomy.COUNTRIES.items()]
        self.fields["region"].choices = _region_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        region = data.get("region")
        if region and data.get("country") and taxonomy.region(region).country != data["country"]:
            self.add_error("region", _("This region is not in the chosen country."))
        return data


class ManufacturerSignupForm(SignupForm):
    """The person, their firm and where it is; ``not_listed`` confirms that none of the
    directory's look-alike profiles is theirs."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    not_listed = forms.BooleanField(label=_("None of these directory profiles is my firm"),
                                    required=False)
    claim = forms.CharField(required=False, widget=forms.HiddenInput, max_length=160)
    via = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("organisation_kind", None)
        self.fields["region"].choices = _region_choices()
        if self.data.get("claim") or self.initial.get("claim"):
            # Claiming a listed profile: no new organisation is named here.
            self.fields["organisation_name"].required = False
            self.fields["organisation_name"].widget = forms.HiddenInput()
            self.fields.pop("not_listed")
            self.fields["region"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        region = data.get("region")
        if region and data.get("country") and taxonomy.region(region).country != data["country"]:
            self.add_error("region", _("This region is not in the chosen country."))
        return data
