"""Estimates are private to the user who made them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shisaku.estimates.models import Estimate


def estimates_of(user: Any) -> QuerySet[Estimate]:
    if not getattr(user, "is_authenticated", False):
        return Estimate.objects.none()
    return Estimate.objects.filter(owner=user)
