"""Background jobs of the RFQ app (huey; ``shisaku worker`` runs them)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shisaku.rfq.services import reply_deadlines_check

__all__ = ["reply_deadlines"]


@db_periodic_task(crontab(minute="*/5"))
def reply_deadlines() -> dict[str, int]:
    """Every five minutes: overdue invitations, next-match invites, expiries, closings."""
    return reply_deadlines_check(now=timezone.now())
