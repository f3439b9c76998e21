"""Template tags of the orders app: a firm's delivery figures (for its profile page)."""

from __future__ import annotations

from typing import Any

from django import template

from shisaku.orders.choices import OrderStatus
from shisaku.orders.selectors import (
    delivery_figures,
    next_step,
    order_late,
    orders_needing_help,
    orders_visible_to,
)

register = template.Library()


@register.simple_tag
def delivery_figures_of(manufacturer: Any) -> Any:
    """The firm's on-time and first-pass figures over 12 months, or None before any fact."""
    return delivery_figures(manufacturer)


@register.simple_tag
def orders_of_project(project: Any, user: Any) -> list[dict[str, Any]]:
    """The project's orders the user may see, each with its next step and whether it is late
    (for the project page)."""
    return [{"order": o, "late": order_late(o), "next": next_step(o)}
            for o in orders_visible_to(user).filter(project=project).prefetch_related(
                "lines__part")]


@register.simple_tag
def orders_to_act(user: Any) -> list[dict[str, Any]]:
    """Open orders of the user's firms that wait on the firm (confirm, produce, first article,
    ship), for the manufacturer's inbox."""
    rows = []
    for o in orders_visible_to(user).filter(
            manufacturer__organisation__memberships__user=user,
            status__in=[OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION,
                        OrderStatus.FA_APPROVED, OrderStatus.SHIPPED]):
        rows.append({"order": o, "late": order_late(o), "next": next_step(o)})
    return rows


@register.simple_tag
def orders_help(user: Any) -> dict[str, list[Any]]:
    """Late orders, rejected first articles and disputes of the projects the user coordinates."""
    return orders_needing_help(user)
