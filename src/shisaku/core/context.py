"""Template context: the navigation a user sees, decided by role here, not in templates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shisaku.core.roles import roles_of


def _notifications_label(user: Any) -> str:
    from shisaku.rfq.models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
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
    if roles.authenticated:
        items.append((reverse("estimates:new"), _("Estimate")))
        items.append((reverse("rfq:notifications"), _notifications_label(request.user)))
    if roles.is_staff:
        items.append((reverse("admin:index"), _("Admin")))
    items.append((reverse("api-1.0.0:openapi-view"), _("API docs")))
    current = request.path
    return {
        "nav_items": [{"url": url, "label": label, "active": current.startswith(url)}
                      for url, label in items],
        "roles": roles,
    }
