"""Background jobs of the estimates app (huey; ``shisaku worker`` runs them)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from shisaku.estimates.models import Estimate
from shisaku.estimates.services import estimate_execute

__all__ = ["estimate_run"]


@db_task()
def estimate_run(estimate_id: int) -> str:
    """Estimate a queued part in a bounded child process; returns the final status."""
    estimate = Estimate.objects.filter(pk=estimate_id).first()
    if estimate is None:
        return "missing"
    return estimate_execute(estimate=estimate).status
