"""Template context: the navigation a user sees, decided by role here, not in templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shisaku.core.roles import roles_of

# URL name -> count shown beside the menu item (registered by higher apps in ready(), so that
# core imports none of them).
_BADGES: dict[str, Callable[[Any], int]] = {}


def nav_badge_register(url_name: str, count: Callable[[Any], int]) -> None:
    _BADGES[url_name] = count


def _notifications_label(user: Any) -> str:
    counter = _BADGES.get("notifications:list")
    unread = counter(user) if counter else 0
    return f"{_('Notifications')} ({unread})" if unread else str(_("Notifications"))


def navigation(request: HttpRequest) -> dict[str, Any]:
    roles = roles_of(request.user)
    items = [
        (reverse("directory:list"), _("Directory")),
        (reverse("directory:find"), _("Find manufacturers")),
    ]
    if roles.startup or roles.coordinator:
        items.append((reverse("projects:list"), _("My projects")))
        items.append((reverse("rfq:list"), _("Quotations")))
    if roles.coordinator:
        items.append((reverse("consortia:inbox"), _("Coordinator window")))
        items.append((reverse("directory:imports"), _("Pool imports")))
        items.append((reverse("claims:queue"), _("Profile claims")))
    if roles.manufacturer:
        items.append((reverse("rfq:inbox"), _("Inbox")))
        items.append((reverse("consortia:invitations"), _("Joint orders")))
    if roles.startup or roles.manufacturer or roles.coordinator:
        items.append((reverse("orders:list"), _("Orders")))
    # Shown to everyone: an anonymous visitor is asked to log in and told why (accounts/login).
    items.append((reverse("estimates:new"), _("Estimate")))
    items.append((reverse("insights:page"), _("Insights")))
    if roles.authenticated:
        items.append((reverse("notifications:list"), _notifications_label(request.user)))
    if roles.is_staff:
        items.append((reverse("admin:index"), _("Admin")))
    items.append((reverse("api-1.0.0:openapi-view"), _("API docs")))
    active = active_item(request.path, [url for url, _label in items])
    return {
        "nav_items": [{"url": url, "label": label, "active": url == active}
                      for url, label in items],
        "roles": roles,
    }


def active_item(path: str, urls: list[str]) -> str | None:
    """The one menu entry a page belongs to: the longest entry URL its path starts with.

    ``/manufacturers/find`` lies under both the directory (``/manufacturers/``) and Find
    manufacturers; only the latter is highlighted.
    """
    matches = [url for url in urls if path.startswith(url)]
    return max(matches, key=len) if matches else None
