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
    "joint_quote_marks",
    "joint_quotes",
    "manufacturers_of",
    "open_invitations",
    "rfq_inquiries",
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


def joint_quotes(rfq: Any) -> dict[int, dict[str, Any]]:
    """For the RFQ comparison: lead firm id -> ``{"consortium", "members": [{"manufacturer",
    "share_pct"}]}`` of each formed consortium whose joint quote goes through ``rfq`` (the
    caller already decided the user may see the RFQ)."""
    out: dict[int, dict[str, Any]] = {}
    for consortium in (Consortium.objects.filter(rfq=rfq, status=ConsortiumStatus.FORMED,
                                                 lead__isnull=False)
                       .select_related("coordinator")):
        shares: dict[int, Any] = {}
        firms: dict[int, Manufacturer] = {}
        for row in consortium.members.filter(state=MemberState.ACCEPTED).select_related(
                "manufacturer"):
            firms[row.manufacturer_id] = row.manufacturer
            shares[row.manufacturer_id] = shares.get(row.manufacturer_id, 0) + (
                row.share_pct or 0)
        members = [{"manufacturer": firms[i], "share_pct": shares[i]} for i in firms]
        members.sort(key=lambda m: (-m["share_pct"], m["manufacturer"].name))
        assert consortium.lead_id is not None
        out[consortium.lead_id] = {"consortium": consortium, "members": members}
    return out


ACK_OVERDUE = "ack_overdue"
NO_MAKER = "no_maker"
NO_QUOTE = "no_quote"
STALE_DRAFT_DAYS = 2


def rfq_inquiries(*, user: Any, now: Any = None) -> list[dict[str, Any]]:
    """RFQ trouble in the projects of the user's coordinator organisations, computed now:

    - ``no_maker``: an RFQ with nobody left to answer: sent (or closed) and every invitation
      declined, or a draft never sent for ``STALE_DRAFT_DAYS`` days (``rfq_send`` refuses to
      send to nobody, so a startup whose RFQ found no eligible firm is left with a draft);
    - ``no_quote``: the quote deadline passed without any quote;
    - ``ack_overdue``: an invitation of an open RFQ not acknowledged by its deadline (one row
      per invitation).

    Rows: ``kind``, ``label``, ``rfq``, ``project``, ``invitation`` (or None), ``since``;
    newest first. Cancelled and awarded RFQs never appear.
    """
    from django.db.models import Exists, OuterRef
    from django.utils.translation import gettext

    from shisaku.rfq.choices import InvitationStatus, RFQStatus
    from shisaku.rfq.models import RFQ, Invitation, Quote

    now = now or timezone.now()
    rfqs = (RFQ.objects.filter(project__coordinator__in=coordinators_of(user),
                               project__deleted_at__isnull=True)
            .select_related("project", "project__organisation"))
    rows: list[dict[str, Any]] = []

    def add(kind: str, label: str, rfq: Any, since: Any, invitation: Any = None) -> None:
        rows.append({"kind": kind, "label": label, "rfq": rfq, "project": rfq.project,
                     "invitation": invitation, "since": since})

    live = Invitation.objects.filter(rfq=OuterRef("pk")).exclude(
        status=InvitationStatus.DECLINED)
    any_invitation = Invitation.objects.filter(rfq=OuterRef("pk"))
    for rfq in (rfqs.filter(status__in=[RFQStatus.SENT, RFQStatus.CLOSED])
                .filter(~Exists(live))):
        add(NO_MAKER, gettext("Every invited firm declined"), rfq, rfq.sent_at)
    for rfq in (rfqs.filter(status=RFQStatus.DRAFT,
                            created_at__lte=now - timedelta(days=STALE_DRAFT_DAYS))
                .filter(~Exists(any_invitation))):
        add(NO_MAKER, gettext("Never sent: no manufacturer chosen"), rfq, rfq.created_at)
    quoted = Quote.objects.filter(invitation__rfq=OuterRef("pk"))
    for rfq in (rfqs.filter(status__in=[RFQStatus.SENT, RFQStatus.CLOSED],
                            quote_deadline__lt=now)
                .filter(Exists(live), ~Exists(quoted))):
        add(NO_QUOTE, gettext("No quote by the deadline"), rfq, rfq.quote_deadline)
    for inv in (Invitation.objects.filter(rfq__in=rfqs.filter(status=RFQStatus.SENT),
                                          status__in=[InvitationStatus.SENT,
                                                      InvitationStatus.VIEWED],
                                          ack_deadline__lt=now)
                .select_related("rfq", "rfq__project", "rfq__project__organisation",
                                "manufacturer")):
        add(ACK_OVERDUE, gettext("%(firm)s has not acknowledged") % {
            "firm": inv.manufacturer.name}, inv.rfq, inv.ack_deadline, inv)
    rows.sort(key=lambda r: (r["since"] or now, r["rfq"].pk), reverse=True)
    return rows


def joint_quote_marks(*, rfq: Any) -> dict[int, dict[str, Any]]:
    """Subscriber of ``rfq.quote_marks`` (core.events): :func:`joint_quotes` of ``rfq``."""
    return joint_quotes(rfq)
