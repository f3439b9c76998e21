"""Background jobs of the directory (huey; ``shisaku worker`` runs them)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from shisaku.directory.adapters import compact

__all__ = ["directory_index_compact", "directory_index_compact_soon"]


@db_periodic_task(crontab(minute="*/5"))
@lock_task("directory-index-compact")
def directory_index_compact() -> dict[str, Any]:
    """Every five minutes: save a new directory index snapshot when enough firms changed since
    the newest one, so that serving processes patch few firms and a new process starts fast."""
    built = compact()
    return {"built": built is not None, "generation": built.generation if built else None}


@db_task()
@lock_task("directory-index-compact")
def directory_index_compact_soon() -> dict[str, Any]:
    """The same, now (queued after a bulk import, so that no web request builds the index)."""
    built = compact()
    return {"built": built is not None, "generation": built.generation if built else None}
