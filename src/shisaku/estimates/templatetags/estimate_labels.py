"""Words for the cost engine's breakdown codes (the engine returns codes; pages show words)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

COST_ITEMS = {
    "material": _("Material"),
    "machine": _("Machine time"),
    "labour": _("Labour"),
    "finishing": _("Finishing"),
    "setup": _("Set-up"),
    "tooling_amortised": _("Tooling (amortised)"),
    "margin": _("Margin"),
    "shipping": _("Shipping"),
    "duty": _("Duty"),
    "cross_border": _("Cross-border costs"),
}


@register.filter
def cost_item(code: Any) -> Any:
    return COST_ITEMS.get(str(code), code)
