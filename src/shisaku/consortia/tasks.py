"""Background jobs of the window (huey; ``shisaku worker`` runs them)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shisaku.consortia.services import window_digest_send

__all__ = ["weekly_digest"]


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
def weekly_digest() -> int:
    """Mondays 07:00: each coordinator organisation's window digest to its members."""
    return window_digest_send(now=timezone.now())
