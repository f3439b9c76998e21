"""Reads: a user's notifications and the unread count (for the navigation)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shisaku.notifications.models import Notification, NotificationMute

__all__ = ["muted_kinds", "notifications_of", "unread_count"]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def notifications_of(user: Any) -> QuerySet[Notification]:
    if not _authenticated(user):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user: Any) -> int:
    if not _authenticated(user):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def muted_kinds(user: Any) -> list[str]:
    if not _authenticated(user):
        return []
    return list(NotificationMute.objects.filter(user=user).values_list("kind", flat=True))
