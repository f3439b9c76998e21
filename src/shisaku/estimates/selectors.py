"""Estimates are private to the user who made them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shisaku.estimates.models import Estimate


def estimates_of(user: Any) -> QuerySet[Estimate]:
    """The user's own estimates and those made from parts of projects they may see."""
    from shisaku.projects.selectors import projects_visible_to

    if not getattr(user, "is_authenticated", False):
        return Estimate.objects.none()
    projects = projects_visible_to(user).values("pk")
    return Estimate.objects.filter(
        Q(owner=user) | Q(part_file__part__project__in=projects)).distinct()
