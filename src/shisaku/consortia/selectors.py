"""Who sees which inquiry, consortium and invitation: every read of this app goes through these
permission-filtered querysets (a row you may not see is a 404, never a 403)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shisaku.accounts.models import Organisation, User
from shisaku.consortia.choices import (
    ConsortiumStatus,
    InquiryKind,
    InquiryStatus,
    MemberState,
)
from shisaku.consortia.models import Consortium, ConsortiumMember, WindowRequest
from shisaku.directory.models import Manufacturer
from shisaku.projects.models import Project

__all__ = [
    "ConsortiumAccess",
    "consortia_visible_to",
    "consortium_access",
    "coordinator_members",
    "coordinators_of",
    "inquiry_get",
    "invitation_get",
    "invitations_of",
    "manufacturers_of",
    "open_invitations",
    "stuck_projects",
    "window_inbox",
    "window_projects_sendable",
]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def coordinators_of(user: Any) -> QuerySet[Organisation]:
    """The coordinator organisations ``user`` is a member of (staff status grants nothing)."""
    if not _authenticated(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(kind="coordinator", memberships__user=user).distinct()


def coordinator_members(coordinator: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=coordinator).distinct().order_by("pk")


def manufacturers_of(user: Any) -> QuerySet[Manufacturer]:
    """The directory firms whose organisation ``user`` belongs to."""
    if not _authenticated(user):
        return Manufacturer.objects.none()
    return Manufacturer.objects.filter(organisation__memberships__user=user).distinct()


def window_projects_sendable(user: Any) -> QuerySet[Project]:
    """Live projects of the user's startups: the ones they may send to a window."""
    if not _authenticated(user):
        return Project.objects.none()
    return Project.objects.filter(deleted_at__isnull=True, organisation__kind="startup",
                                  organisation__memberships__user=user).distinct()


def inquiry_get(*, user: Any, pk: int) -> WindowRequest | None:
    return (WindowRequest.objects.filter(pk=pk, coordinator__in=coordinators_of(user),
                                         project__deleted_at__isnull=True)
            .select_related("project", "coordinator", "owner").first())


def stuck_projects(coordinator: Organisation, *, now: Any = None,
                   stuck_days: int) -> QuerySet[Project]:
    """Projects the coordinator supports with no stage change for ``stuck_days`` days (mass
    production excluded: it is the last stage)."""
    cutoff = (now or timezone.now()) - timedelta(days=stuck_days)
    return (Project.objects.filter(coordinator=coordinator, deleted_at__isnull=True,
                                   stage_changed_at__lte=cutoff)
            .exclude(stage="mass_production"))


@dataclass(frozen=True)
class ConsortiumAccess:
    consortium: Consortium
    manage: bool  # a member of the coordinator organisation; else the startup, read-only


def consortia_visible_to(user: Any) -> QuerySet[Consortium]:
    """Consortia of the user's coordinator organisations and of the user's startups' projects."""
    if not _authenticated(user):
        return Consortium.objects.none()
    return (Consortium.objects.filter(project__deleted_at__isnull=True)
            .filter(Q(coordinator__memberships__user=user)
                    | Q(project__organisation__memberships__user=user))
            .distinct())


def consortium_access(*, user: Any, pk: int) -> ConsortiumAccess | None:
    consortium = (consortia_visible_to(user).select_related("project", "coordinator", "lead")
                  .filter(pk=pk).first())
    if consortium is None:
        return None
    manage = consortium.coordinator.memberships.filter(user=user).exists()
    return ConsortiumAccess(consortium, manage)


def invitations_of(user: Any) -> QuerySet[ConsortiumMember]:
    """Member slots of the user's firms (every state; released slots are history)."""
    return (ConsortiumMember.objects.filter(manufacturer__in=manufacturers_of(user),
                                            consortium__project__deleted_at__isnull=True)
            .select_related("consortium", "consortium__project", "consortium__coordinator",
                            "manufacturer")
            .order_by("-invited_at", "-id"))


def invitation_get(*, user: Any, pk: int) -> ConsortiumMember | None:
    return invitations_of(user).filter(pk=pk).first()


def _row(kind: str, obj: Any, project: Project, status: str, status_label: str) -> dict[str, Any]:
    return {"kind": kind, "kind_label": InquiryKind(kind).label, "obj": obj, "pk": obj.pk,
            "project": project, "stage": project.stage, "status": status,
            "status_label": status_label, "owner": obj.owner, "notes": obj.notes,
            "updated_at": obj.updated_at, "coordinator": obj.coordinator}


def window_inbox(*, user: Any, status: str = "", kind: str = "",
                 stage: str = "") -> list[dict[str, Any]]:
    """Every inquiry of the user's coordinator organisations, newest first: window requests and
    stuck-project inquiries (status new/triaged/closed) and consortia (their workflow status;
    the ``open`` status filter keeps what is not closed, formed or failed)."""
    coordinators = coordinators_of(user)
    rows: list[dict[str, Any]] = []
    if kind in ("", InquiryKind.WINDOW, InquiryKind.STUCK):
        inquiries = (WindowRequest.objects.filter(coordinator__in=coordinators,
                                                  project__deleted_at__isnull=True)
                     .select_related("project", "project__organisation", "owner",
                                     "coordinator"))
        if kind:
            inquiries = inquiries.filter(kind=kind)
        rows += [_row(i.kind, i, i.project, i.status, i.get_status_display())
                 for i in inquiries]
    if kind in ("", InquiryKind.CONSORTIUM):
        consortia = (Consortium.objects.filter(coordinator__in=coordinators,
                                               project__deleted_at__isnull=True)
                     .select_related("project", "project__organisation", "owner",
                                     "coordinator"))
        rows += [_row(InquiryKind.CONSORTIUM, c, c.project, c.status, c.get_status_display())
                 for c in consortia]
    closed = {InquiryStatus.CLOSED, ConsortiumStatus.FORMED, ConsortiumStatus.FAILED}
    if status == "open":
        rows = [r for r in rows if r["status"] not in closed]
    elif status:
        rows = [r for r in rows if r["status"] == status]
    if stage:
        rows = [r for r in rows if r["stage"] == stage]
    rows.sort(key=lambda r: (r["updated_at"], r["pk"]), reverse=True)
    return rows


def open_invitations(consortium: Consortium) -> QuerySet[ConsortiumMember]:
    return consortium.members.filter(state__in=[MemberState.INVITED, MemberState.ACCEPTED])
