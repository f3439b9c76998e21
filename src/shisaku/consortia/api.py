"""`/api/v1/consortia`: plan a joint order, the coordinator's window and the consortium workflow.

Session authentication (the web login). What the caller may not see, or may see but not change,
answers 404 like what does not exist, so that existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Body, Router
from ninja.errors import HttpError

from shisaku.consortia import selectors, services
from shisaku.consortia.models import Consortium, ConsortiumMember, WindowRequest
from shisaku.consortia.schemas import (
    InquiryPatchIn,
    PackagesIn,
    ProposeIn,
    RespondIn,
    WindowSendIn,
)
from shisaku.consortia.services import consortium_plan
from shisaku.projects.models import Project
from shisaku.tokens.auth import API_AUTH

router = Router(tags=["consortia"], auth=API_AUTH)


@router.post("/plan", summary="Plan a joint order (CP-SAT, docs/CONSORTIUM.md)")
def plan(request: HttpRequest, body: dict[str, Any] = Body(...),  # noqa: B008
         time_limit_s: float | None = None) -> dict[str, Any]:
    """The request format of `shisaku consortium` (docs/CONSORTIUM.md). Without
    ``manufacturers`` the candidates are the directory's firms that run a needed process.
    The time limit is capped at 10 s."""
    return consortium_plan(request=body, time_limit_s=time_limit_s)


def _inquiry_out(i: WindowRequest) -> dict[str, Any]:
    return {"id": i.pk, "kind": i.kind, "project": i.project_id, "coordinator": i.coordinator_id,
            "status": i.status, "note": i.note, "owner": i.owner_id, "notes": i.notes,
            "created_at": i.created_at.isoformat(), "updated_at": i.updated_at.isoformat()}


def _member_out(m: ConsortiumMember) -> dict[str, Any]:
    return {"id": m.pk, "consortium": m.consortium_id, "package": m.package_id,
            "manufacturer": {"id": m.manufacturer_id, "slug": m.manufacturer.slug,
                             "name": m.manufacturer.name},
            "state": m.state, "cost": float(m.cost),
            "share_pct": float(m.share_pct) if m.share_pct is not None else None,
            "invited_at": m.invited_at.isoformat(),
            "responded_at": m.responded_at.isoformat() if m.responded_at else None}


def _consortium_out(c: Consortium, *, manage: bool) -> dict[str, Any]:
    return {"id": c.pk, "project": c.project_id, "coordinator": c.coordinator_id,
            "status": c.status, "lead": c.lead_id, "packages": c.packages, "plan": c.plan,
            "constraints": c.constraints,
            "members": [_member_out(m) for m in c.members.select_related("manufacturer")],
            "ready": services.consortium_ready(c), "can_manage": manage,
            "owner": c.owner_id if manage else None, "notes": c.notes if manage else "",
            "formed_at": c.formed_at.isoformat() if c.formed_at else None}


def _managed(request: HttpRequest, consortium_id: int) -> Consortium:
    access = selectors.consortium_access(user=request.user, pk=consortium_id)
    if access is None or not access.manage:
        raise HttpError(404, gettext("no such consortium"))
    return access.consortium


@router.post("/window", summary="Send a project to a coordinator's window")
def window_send(request: HttpRequest, body: WindowSendIn) -> dict[str, Any]:
    project = selectors.window_projects_sendable(request.user).filter(pk=body.project).first()
    if project is None:
        raise HttpError(404, gettext("no such project"))
    return _inquiry_out(services.window_send(actor=request.user, project=project,
                                             coordinator=body.coordinator, note=body.note))


@router.get("/window", summary="The window's inquiries and consortia (coordinators)")
def window_list(request: HttpRequest, status: str = "", kind: str = "",
                stage: str = "") -> list[dict[str, Any]]:
    if not selectors.coordinators_of(request.user).exists():
        raise HttpError(404, gettext("no window"))
    return [{"kind": r["kind"], "id": r["pk"], "project": r["project"].pk,
             "project_title": r["project"].title, "stage": r["stage"], "status": r["status"],
             "owner": r["owner"].pk if r["owner"] else None, "notes": r["notes"],
             "coordinator": r["coordinator"].pk, "updated_at": r["updated_at"].isoformat()}
            for r in selectors.window_inbox(user=request.user, status=status, kind=kind,
                                            stage=stage)]


@router.patch("/window/{int:inquiry_id}", summary="Triage an inquiry: status, owner, notes")
def inquiry_patch(request: HttpRequest, inquiry_id: int, body: InquiryPatchIn) -> dict[str, Any]:
    inquiry = selectors.inquiry_get(user=request.user, pk=inquiry_id)
    if inquiry is None:
        raise HttpError(404, gettext("no such inquiry"))
    kw: dict[str, Any] = {"status": body.status, "notes": body.notes}
    if body.clear_owner:
        kw["owner"] = None
    elif body.owner is not None:
        kw["owner"] = body.owner
    return _inquiry_out(services.inquiry_update(actor=request.user, inquiry=inquiry, **kw))


@router.post("/propose", summary="Propose a consortium for a project in your window")
def propose(request: HttpRequest, body: ProposeIn) -> dict[str, Any]:
    project = Project.objects.filter(
        pk=body.project, deleted_at__isnull=True,
        coordinator__in=selectors.coordinators_of(request.user)).first()
    if project is None:
        raise HttpError(404, gettext("no such project in your window"))
    consortium = services.consortium_propose(actor=request.user, project=project,
                                             packages=body.packages)
    return _consortium_out(consortium, manage=True)


@router.get("/invitations", summary="Your firms' consortium invitations")
def invitation_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_member_out(m) for m in selectors.invitations_of(request.user)]


@router.post("/invitations/{int:member_id}/respond",
             summary="Accept or decline a consortium invitation")
def respond(request: HttpRequest, member_id: int, body: RespondIn) -> dict[str, Any]:
    member = selectors.invitation_get(user=request.user, pk=member_id)
    if member is None:
        raise HttpError(404, gettext("no such invitation"))
    services.member_respond(actor=request.user, member=member, answer=body.answer)
    member.refresh_from_db()
    return _member_out(member)


@router.get("/{int:consortium_id}", summary="A consortium (coordinator; the startup read-only)")
def consortium_get(request: HttpRequest, consortium_id: int) -> dict[str, Any]:
    access = selectors.consortium_access(user=request.user, pk=consortium_id)
    if access is None:
        raise HttpError(404, gettext("no such consortium"))
    return _consortium_out(access.consortium, manage=access.manage)


@router.put("/{int:consortium_id}/packages", summary="Edit the work packages and re-plan")
def packages_set(request: HttpRequest, consortium_id: int, body: PackagesIn) -> dict[str, Any]:
    extra: dict[str, Any] = {} if body.constraints is None else {"constraints": body.constraints}
    consortium = services.consortium_packages_set(
        actor=request.user, consortium=_managed(request, consortium_id), packages=body.packages,
        **extra)
    return _consortium_out(consortium, manage=True)


@router.post("/{int:consortium_id}/invite", summary="Invite the plan's team")
def invite(request: HttpRequest, consortium_id: int) -> dict[str, Any]:
    consortium = services.consortium_invite(actor=request.user,
                                            consortium=_managed(request, consortium_id))
    return _consortium_out(consortium, manage=True)


@router.post("/{int:consortium_id}/form",
             summary="Form the consortium once the lead and every package's firm accepted")
def form(request: HttpRequest, consortium_id: int) -> dict[str, Any]:
    consortium = services.consortium_form(actor=request.user,
                                          consortium=_managed(request, consortium_id))
    return _consortium_out(consortium, manage=True)
