"""Template tags of the orders app: a firm's delivery figures (for its profile page)."""

from __future__ import annotations

from typing import Any

from django import template

from shisaku.orders.selectors import delivery_figures

register = template.Library()


@register.simple_tag
def delivery_figures_of(manufacturer: Any) -> Any:
    """The firm's on-time and first-pass figures over 12 months, or None before any fact."""
    return delivery_figures(manufacturer)
