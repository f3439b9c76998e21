"""Find manufacturers: the matching form and its translation into a requirement.

The page, ``POST /api/v1/match`` and ``shisaku match`` all call ``adapters.match`` so that they
give the same answer for the same requirement.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from shisaku.core.forms import Form
from shisaku.directory.filtersets import _LazyChoices

# The engine's reason templates, marked here so that makemessages puts them in the catalogues
# (the engine itself imports no Django). tests/apps/test_matching_web.py checks the two agree.
REASON_MSGIDS = (
    gettext_noop("{process} up to {max_lot} units"),
    gettext_noop("{process} with no upper lot limit"),
    gettext_noop("works with {materials}"),
    gettext_noop("{certification} held"),
    gettext_noop("{distance_km} km from {origin}"),
    gettext_noop("{distance_km} km from the origin"),
    gettext_noop("replies in {hours} h median"),
    gettext_noop("reply time not yet known"),
    gettext_noop("rated {rating} / 5 in {count} reviews"),
    gettext_noop("rated {rating} / 5 in one review"),
    gettext_noop("{count} startup projects done"),
    gettext_noop("one startup project done"),
    gettext_noop("experience in {product_field}"),
    gettext_noop("also covers {stages}"),
    gettext_noop("typical lead time {days} days"),
    gettext_noop("accepts foreign clients"),
)
FACTOR_LABELS = {
    "distance": _("distance"), "reply_speed": _("reply speed"), "rating": _("quality rating"),
    "startup_experience": _("startup experience"),
    "field_experience": _("product-field experience"), "stage_fit": _("stage fit"),
    "lead_time": _("lead time"),
}


def translate_reason(template: str) -> str:
    return gettext(template)


def _choice_or_empty(kind: str) -> list[tuple[str, str]]:
    return [("", "—"), *_LazyChoices(kind)]


class _EmptyFirst:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __iter__(self) -> Any:
        return iter(_choice_or_empty(self.kind))


class FindForm(Form):
    process = forms.MultipleChoiceField(label=_("Processes"), required=False,
                                        choices=_LazyChoices("process"))
    material = forms.MultipleChoiceField(label=_("Materials"), required=False,
                                         choices=_LazyChoices("material"))
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1,
                                  max_value=100_000_000)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_EmptyFirst("stage"))
    product_field = forms.ChoiceField(label=_("Product field"), required=False,
                                      choices=_EmptyFirst("product_field"))
    certification = forms.MultipleChoiceField(label=_("Certifications"), required=False,
                                              choices=_LazyChoices("certification"))
    size_x = forms.FloatField(label=_("Part size X (mm)"), required=False, min_value=0.001)
    size_y = forms.FloatField(label=_("Part size Y (mm)"), required=False, min_value=0.001)
    size_z = forms.FloatField(label=_("Part size Z (mm)"), required=False, min_value=0.001)
    origin_region = forms.ChoiceField(label=_("Measure distance from"), required=False,
                                      choices=_EmptyFirst("region"))
    country = forms.MultipleChoiceField(label=_("Countries"), required=False,
                                        choices=_LazyChoices("country"))
    max_distance_km = forms.FloatField(label=_("Within (km)"), required=False,
                                       min_value=0.001)
    client_country = forms.ChoiceField(label=_("I am based in"), required=False,
                                       choices=_EmptyFirst("country"))
    top = forms.IntegerField(label=_("Show the best"), required=False, min_value=1,
                             max_value=200, initial=20)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sizes = [data.get(f"size_{a}") for a in "xyz"]
        if any(s is not None for s in sizes) and any(s is None for s in sizes):
            self.add_error("size_z", _("Give all three part sizes, or none."))
        if data.get("max_distance_km") and not data.get("origin_region"):
            self.add_error("origin_region", _("Choose where to measure the distance from."))
        return data

    def requirement(self) -> dict[str, Any]:
        """The requirement JSON of ARCHITECTURE.md for the cleaned form."""
        d = self.cleaned_data
        req: dict[str, Any] = {}
        pairs = (("processes", "process"), ("materials", "material"),
                 ("certifications", "certification"), ("countries", "country"))
        for key, field in pairs:
            if d.get(field):
                req[key] = list(d[field])
        for key in ("quantity", "stage", "product_field", "origin_region", "max_distance_km",
                    "client_country"):
            if d.get(key) not in (None, ""):
                req[key] = d[key]
        sizes = [d.get(f"size_{a}") for a in "xyz"]
        if all(s is not None for s in sizes):
            req["part_size_mm"] = sizes
        return req

    def is_blank(self) -> bool:
        return not any(v not in (None, "", []) for k, v in self.cleaned_data.items()
                       if k != "top")
