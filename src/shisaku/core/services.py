"""Writes shared by every app: bump a data generation, record an audit event."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest

from shisaku.core.models import AuditEvent, DataGeneration


def generation_bump(*, name: str) -> None:
    """Raise the generation number of ``name`` (call inside the writing transaction).

    The new number is at least the current time in microseconds, so that a number is never
    reused even when a transaction that raised it is rolled back (a cache keyed by an old
    number must never be mistaken for the present data).
    """
    now_us = time.time_ns() // 1000
    bumped = Greatest(F("number") + 1, Value(now_us, output_field=BigIntegerField()))
    updated = DataGeneration.objects.filter(name=name).update(number=bumped)
    if not updated:
        with transaction.atomic():
            obj, created = DataGeneration.objects.select_for_update().get_or_create(
                name=name, defaults={"number": now_us})
            if not created:
                DataGeneration.objects.filter(pk=obj.pk).update(number=bumped)


def generation_current(*, name: str) -> int:
    """The current generation number of ``name`` (0 before the first write)."""
    row = DataGeneration.objects.filter(name=name).values_list("number", flat=True).first()
    return int(row or 0)


def audit_record(*, actor: Any, action: str, obj: Any = None, summary: str = "",
                 data: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the audit trail."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    data = dict(data or {})
    # An actor acting through a personal link (core.links.LinkActor) is recorded as such.
    if callable(getattr(actor, "audit_data", None)):
        data.update(actor.audit_data())
    return AuditEvent.objects.create(
        actor=user, action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300], data=data,
    )
