"""Who sees which project: every read of projects goes through these permission-filtered
querysets (views, API and templates never decide access themselves)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from shisaku.accounts.models import Organisation
from shisaku.projects import specs
from shisaku.projects.choices import STAGE_ORDER
from shisaku.projects.models import Part, PartFile, ProgrammeSettings, Project


def projects_visible_to(user: Any) -> QuerySet[Project]:
    """Live projects of the user's startups and of the coordinators they are a member of.

    Everyone else (other startups, manufacturers, staff without membership) sees nothing: the
    pages and the API answer 404 so that a project's existence does not leak.
    """
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    return (Project.objects.filter(deleted_at__isnull=True)
            .filter(Q(organisation__memberships__user=user)
                    | Q(coordinator__memberships__user=user))
            .distinct())


def project_get(*, user: Any, pk: int) -> Project | None:
    """The project ``pk`` when ``user`` may see it (then they may also change it), else None."""
    return (projects_visible_to(user).select_related("organisation", "coordinator")
            .filter(pk=pk).first())


def project_is_startup_member(*, user: Any, project: Project) -> bool:
    """Members of the owning startup may delete the project; its coordinator may not."""
    return project.organisation.memberships.filter(user=user).exists()


def startups_of(user: Any) -> QuerySet[Organisation]:
    """The startup organisations ``user`` can create projects for."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, kind="startup").distinct()


def coordinators_all() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind="coordinator")


def parts_of(project: Project) -> QuerySet[Part]:
    return project.parts.prefetch_related(Prefetch("files", queryset=PartFile.objects.all()))


def part_get(*, user: Any, project_pk: int, part_pk: int) -> Part | None:
    project = project_get(user=user, pk=project_pk)
    if project is None:
        return None
    return parts_of(project).filter(pk=part_pk).first()


def file_get(*, user: Any, project_pk: int, part_pk: int, file_pk: int) -> PartFile | None:
    part = part_get(user=user, project_pk=project_pk, part_pk=part_pk)
    if part is None:
        return None
    return part.files.filter(pk=file_pk).first()


def rfq_threshold(project: Project) -> float:
    """Minimum part completeness for an RFQ: the coordinator's setting, else 1.0 (every
    required field filled)."""
    if project.coordinator_id is None:
        return 1.0
    value = (ProgrammeSettings.objects.filter(coordinator_id=project.coordinator_id)
             .values_list("rfq_min_completeness", flat=True).first())
    return 1.0 if value is None else float(value)


def part_ready_for_rfq(part: Part) -> bool:
    """Whether ``part`` is complete enough to be sent in a request for quotation.

    For the RFQ app: the threshold is the project's coordinator's
    ``ProgrammeSettings.rfq_min_completeness`` (default 1.0 = every required field filled).
    """
    return specs.ready_for_rfq(specs.completeness(part).score, rfq_threshold(part.project))


def coordinator_board(*, user: Any, stuck_days: int = 30) -> dict[str, Any]:
    """Projects whose coordinator organisation ``user`` belongs to, by stage, and the stuck ones
    (no stage change for ``stuck_days`` days or more)."""
    projects = list(Project.objects.filter(deleted_at__isnull=True,
                                           coordinator__memberships__user=user)
                    .select_related("organisation").distinct().order_by("stage_changed_at"))
    cutoff = timezone.now() - timedelta(days=stuck_days)
    by_stage: dict[str, list[Project]] = {stage: [] for stage in STAGE_ORDER}
    for p in projects:
        by_stage.setdefault(p.stage, []).append(p)
    stuck = [p for p in projects if p.stage_changed_at <= cutoff
             and p.stage != STAGE_ORDER[-1]]
    return {"projects": projects, "by_stage": by_stage, "stuck": stuck, "cutoff": cutoff}
