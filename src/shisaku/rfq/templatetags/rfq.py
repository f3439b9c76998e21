"""Template tags of the RFQ app: the public scorecard of a firm (for its profile page)."""

from __future__ import annotations

from typing import Any

from django import template

from shisaku.rfq.selectors import scorecard

register = template.Library()


@register.simple_tag
def scorecard_of(manufacturer: Any) -> dict[str, Any] | None:
    return scorecard(manufacturer)
