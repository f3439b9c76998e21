"""The estimate form: a CAD file and the few choices that change the answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shisaku.core.forms import Form
from shisaku.directory.filtersets import _LazyChoices
from shisaku.estimates.services import DEFAULT_QUANTITIES, EstimateOptions

PRODUCING_COUNTRIES = ["KR", "JP", "CN", "TW", "VN"]
TARGET_CURRENCIES = ["USD", "KRW", "JPY", "CNY", "EUR"]


def parse_quantities(text: str) -> tuple[int, ...]:
    """'1, 10, 300' -> (1, 10, 300); ValidationError naming the bad piece."""
    values = []
    for piece in text.replace(";", ",").split(","):
        piece = piece.strip().replace("_", "")
        if not piece:
            continue
        if not piece.isdigit() or int(piece) <= 0:
            raise forms.ValidationError(_("%(value)s is not a positive whole number."),
                                        params={"value": piece})
        values.append(int(piece))
    if not values:
        raise forms.ValidationError(_("Give at least one quantity."))
    if len(values) > 12 or max(values) > 10_000_000:
        raise forms.ValidationError(_("Give at most 12 quantities, each up to 10,000,000."))
    return tuple(sorted(set(values)))


class EstimateForm(Form):
    file = forms.FileField(label=_("CAD file (STL, OBJ, 3MF, STEP)"))
    units = forms.ChoiceField(label=_("Units of the file"), initial="auto", choices=[
        ("auto", _("Guess from the size")), ("mm", _("millimetres")), ("inch", _("inches")),
        ("m", _("metres"))])
    processes = forms.MultipleChoiceField(label=_("Processes (empty: all that fit)"),
                                          required=False, choices=_LazyChoices("process"))
    material = forms.ChoiceField(label=_("Material (empty: each process's usual one)"),
                                 required=False)
    quantities = forms.CharField(label=_("Quantities"), initial=", ".join(
        str(q) for q in DEFAULT_QUANTITIES), max_length=120)
    region = forms.ChoiceField(label=_("Home country of production"), initial="KR")
    client_country = forms.ChoiceField(label=_("Deliver to"), initial="KR")
    target_unit_cost = forms.DecimalField(label=_("Target unit cost"), required=False,
                                          min_value=0.01, max_digits=14, decimal_places=2)
    target_currency = forms.ChoiceField(label=_("Currency of the target"), initial="USD",
                                        required=False,
                                        choices=[(c, c) for c in TARGET_CURRENCIES])
    max_lead_days = forms.IntegerField(label=_("Longest acceptable lead time (days)"),
                                       required=False, min_value=1, max_value=730)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from shisaku import taxonomy

        self.fields["material"].choices = [("", "—"), *_LazyChoices("material")]
        lang = get_language() or "en"  # labels in the reader's language, per request
        producing = [(c, taxonomy.label("country", c, lang)) for c in PRODUCING_COUNTRIES]
        self.fields["region"].choices = producing
        self.fields["client_country"].choices = [
            (c, taxonomy.label("country", c, lang)) for c in taxonomy.COUNTRIES]

    def clean_quantities(self) -> tuple[int, ...]:
        return parse_quantities(self.cleaned_data["quantities"])

    def options(self) -> EstimateOptions:
        d = self.cleaned_data
        target = d.get("target_unit_cost")
        return EstimateOptions(units=d["units"], processes=tuple(d.get("processes") or ()),
                               material=d.get("material") or None, quantities=d["quantities"],
                               region=d["region"], client_country=d["client_country"],
                               target_unit_cost=float(target) if target is not None else None,
                               target_currency=d.get("target_currency") or "USD",
                               max_lead_days=d.get("max_lead_days"))


class PcbForm(Form):
    """A printed circuit board, costed without a file: size, layers, parts and joints."""

    width_mm = forms.DecimalField(label=_("Board width (mm)"), min_value=1, max_value=1000,
                                  decimal_places=2, initial=100)
    height_mm = forms.DecimalField(label=_("Board height (mm)"), min_value=1, max_value=1000,
                                   decimal_places=2, initial=80)
    layers = forms.TypedChoiceField(label=_("Copper layers"), coerce=int, initial=2,
                                    choices=[(n, str(n)) for n in (1, 2, 4, 6, 8)])
    quantities = forms.CharField(label=_("Quantities"), initial="5, 100, 1000", max_length=120)
    components = forms.IntegerField(label=_("SMT components per board (0: bare boards)"),
                                    min_value=0, max_value=20000, initial=0)
    smt_placements = forms.IntegerField(label=_("SMT placements per board (if not one per "
                                                "component)"), min_value=0, max_value=50000,
                                        required=False)
    tht_joints = forms.IntegerField(label=_("Through-hole joints per board"), min_value=0,
                                    max_value=20000, initial=0)
    sides = forms.TypedChoiceField(label=_("Sides with components"), coerce=int, initial=1,
                                   choices=[(1, "1"), (2, "2")])
    region = forms.ChoiceField(label=_("Home country of production"), initial="CN")
    client_country = forms.ChoiceField(label=_("Deliver to"), initial="KR")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from shisaku import taxonomy

        self.fields["region"].choices = [(c, taxonomy.label("country", c))
                                         for c in PRODUCING_COUNTRIES]
        self.fields["client_country"].choices = [
            (c, taxonomy.label("country", c)) for c in taxonomy.COUNTRIES]

    def clean_quantities(self) -> tuple[int, ...]:
        return parse_quantities(self.cleaned_data["quantities"])
