"""Forms of the RFQ pages (services re-validate everything; forms only parse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shisaku.core.forms import Form
from shisaku.projects.choices import Currency
from shisaku.rfq.choices import DeclineReason


class RFQForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    parts = forms.TypedMultipleChoiceField(label=_("Parts"), coerce=int,
                                           widget=forms.CheckboxSelectMultiple)
    quantity_tiers = forms.CharField(
        label=_("Quantities of products to price"),
        help_text=_("Up to six quantities of finished products, separated by commas (by "
                    "default the project's prototype, pilot, small-lot and mass-production "
                    "quantities). Each part is priced per piece; a product needs its pieces "
                    "per product."))
    quote_deadline = forms.DateTimeField(
        label=_("Quote deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    sealed = forms.BooleanField(label=_("Seal quotes until the deadline"), required=False)
    auto_invite_next = forms.BooleanField(
        label=_("Invite the next best match when a firm does not reply in time"),
        required=False, initial=True)
    notes = forms.CharField(label=_("Notes for the manufacturers"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, part_choices: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["parts"].choices = part_choices

    def tiers(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["quantity_tiers"].split(",") if t.strip()]


class DeclineForm(Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File"), required=False)


class QuoteMetaForm(Form):
    """The quote's terms; the unit prices come as ``price_<part>_<tier>`` fields."""

    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    tooling_cost = forms.DecimalField(label=_("Tooling / NRE"), min_value=0, initial=0,
                                      decimal_places=2, max_digits=16)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=1,
                                        max_value=3650)
    valid_until = forms.DateField(label=_("Valid until"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


_SCORES = [(i, str(i)) for i in range(5, 0, -1)]


class RatingForm(Form):
    quality = forms.TypedChoiceField(label=_("Quality"), choices=_SCORES, coerce=int)
    on_time = forms.TypedChoiceField(label=_("On-time delivery"), choices=_SCORES, coerce=int)
    communication = forms.TypedChoiceField(label=_("Communication"), choices=_SCORES,
                                           coerce=int)
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CurrencyRateForm(Form):
    currency = forms.ChoiceField(label=_("Currency"),
                                 choices=[(c, c) for c in Currency.values if c != "USD"])
    as_of = forms.DateField(label=_("Date of the rate"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    units_per_usd = forms.DecimalField(label=_("Units of the currency for 1 USD"),
                                       min_value=0, max_digits=20, decimal_places=6,
                                       help_text=_("For example 1,380 for KRW or 150 for JPY."))
    source = forms.CharField(label=_("Source"), max_length=200,
                             help_text=_("Who published the rate, e.g. the central bank's "
                                         "reference rate of that day."))
