"""Background job of the insights app (huey; ``shisaku worker`` runs it)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from shisaku.insights.build import insights_refresh

__all__ = ["insights_aggregates"]


@db_periodic_task(crontab(minute="*/10"))
@lock_task("insights-refresh")
def insights_aggregates() -> dict[str, Any]:
    """Every ten minutes: recompute the insights cells when their sources changed."""
    build = insights_refresh()
    return {"built": build is not None, "cells": build.cell_count if build else 0}
