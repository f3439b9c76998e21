"""Words for the optimiser's codes (the engine returns codes; pages show sentences)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS = {
    "optimal": _("best plan found (proven optimal)"),
    "feasible": _("a good plan (not proven optimal within the time limit)"),
    "infeasible": _("no plan meets every constraint"),
    "unknown": _("no plan found within the time limit"),
}

TERMS = {
    "cost": _("Cost"),
    "lead_time": _("Lead time"),
    "logistics": _("Logistics"),
    "firms": _("Number of firms"),
    "reply_time": _("Reply time"),
    "quality": _("Quality"),
}

UNITS = {
    "cost units": _("in the quotes' currency"),
    "days on the critical path": _("days on the critical path"),
    "km from members to the lead, summed over packages": _(
        "km from members to the lead, summed over packages"),
    "distinct firms (lead included)": _("distinct firms (lead included)"),
    "median reply hours, per package and for the lead": _(
        "median reply hours, per package and for the lead"),
    "rating points below 5, per package and for the lead": _(
        "rating points below 5, per package and for the lead"),
}


@register.filter
def optimiser_status(code: Any) -> Any:
    return STATUS.get(str(code), code) if code else "—"


@register.filter
def objective_term(code: Any) -> Any:
    return TERMS.get(str(code), code)


@register.filter
def objective_unit(unit: Any) -> Any:
    return UNITS.get(str(unit), unit)
