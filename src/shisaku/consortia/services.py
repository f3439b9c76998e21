"""Joint orders: the coordinator's window (inquiries, digest) and the consortium workflow
(propose → invite → members answer → formed), planned against the directory.

Every function validates its input (InputError naming the field) and records an audit event.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from shisaku.accounts.models import Organisation
from shisaku.consortia.choices import (
    CONSORTIUM_TRANSITIONS,
    DEFAULT_STUCK_DAYS,
    INQUIRY_TRANSITIONS,
    LEAD,
    MEMBER_TRANSITIONS,
    ConsortiumStatus,
    InquiryKind,
    InquiryStatus,
    MemberState,
    transition_allowed,
)
from shisaku.consortia.links import member_links_send
from shisaku.consortia.models import Consortium, ConsortiumMember, WindowRequest
from shisaku.consortia.notify import CONSORTIUM_INVITED
from shisaku.consortia.selectors import open_invitations, stuck_projects
from shisaku.core.links import LinkActor
from shisaku.core.services import audit_record
from shisaku.core.text import render_plain_text
from shisaku.directory.models import Manufacturer, ManufacturerFacet
from shisaku.directory.records import iter_records
from shisaku.directory.selectors import manufacturers_public
from shisaku.errors import InputError
from shisaku.notifications.services import (
    absolute_url,
    members_of,
    notification_send,
    recipient_context,
)
from shisaku.projects.models import Project
from shisaku.rfq.links import reachable_q

__all__ = [
    "consortium_constraints_clean",
    "consortium_form",
    "consortium_invite",
    "consortium_packages_set",
    "consortium_plan",
    "consortium_propose",
    "consortium_ready",
    "consortium_update",
    "firm_shares",
    "inquiry_update",
    "joint_award_on_award",
    "joint_award_record",
    "joint_quote_open",
    "member_respond",
    "package_costs",
    "packages_clean",
    "project_parts_for_split",
    "window_digest",
    "window_digest_send",
    "window_send",
    "window_sync_stuck",
]

MAX_TIME_LIMIT_S = 10.0
INTEGRATION_PROCESSES = ("final_assembly",)


def _needed_processes(request: Mapping[str, Any]) -> set[str]:
    needed: set[str] = set()
    for key in ("packages", "parts"):
        for item in request.get(key) or []:
            if isinstance(item, Mapping):
                needed.update(p for p in item.get("processes") or [] if isinstance(p, str))
    return needed


def package_costs(*, packages: list[Mapping[str, Any]], client_country: str
                  ) -> dict[str, dict[str, dict[str, Any]]]:
    """Package id -> producing country -> the estimate engine's cost of that package there
    (``estimates.services.package_cost_estimate``, USD)."""
    from shisaku.estimates.services import PRODUCING, package_cost_estimate

    return {str(p["id"]): {country: package_cost_estimate(
        processes=list(p.get("processes") or []), materials=list(p.get("materials") or []),
        quantity=p.get("quantity"), part_size_mm=p.get("part_size_mm"), region=country,
        client_country=client_country) for country in PRODUCING} for p in packages}


def _estimates_for(records: list[Mapping[str, Any]], costs: Mapping[str, Mapping[str, Any]],
                   client_country: str) -> list[dict[str, Any]]:
    """Each firm's price for each package: its country's estimate × its price level."""
    fallback = client_country if client_country in next(iter(costs.values()), {}) else "KR"
    out = []
    for record in records:
        level = float(record.get("price_level") or 1.0)
        for package_id, by_country in costs.items():
            estimate = by_country.get(str(record.get("country"))) or by_country[fallback]
            out.append({"package": package_id, "manufacturer": record["id"],
                        "total_cost": round(estimate["total_cost"] * level, 2)})
    return out


def consortium_plan(*, request: Mapping[str, Any], time_limit_s: float | None = None,
                    priced_for: str | None = None, reachable_only: bool = False
                    ) -> dict[str, Any]:
    """The engine's plan; without inline ``manufacturers`` the directory supplies them (only
    firms that can answer an invitation, a member or a contact e-mail, when
    ``reachable_only``: a consortium never invites a firm that can never answer).

    ``priced_for`` (the client's country): each firm's cost of each package comes from the
    estimate engine (``package_costs``) in USD instead of the engine's cost units, and the
    plan says so (``currency``, ``package_costs``)."""
    from shisaku.engines.consortium import plan_consortium

    started = time.perf_counter()  # the time limit covers loading the directory too
    if not isinstance(request, Mapping):
        raise InputError("", gettext("the request must be a JSON object"))
    limit = min(float(time_limit_s or request.get("time_limit_s") or MAX_TIME_LIMIT_S),
                MAX_TIME_LIMIT_S)
    body = dict(request)
    if "manufacturers" not in body:
        needed = _needed_processes(body) | set(INTEGRATION_PROCESSES)
        if not needed - set(INTEGRATION_PROCESSES):
            raise InputError("packages", gettext("give packages or parts with processes"))
        ids = (ManufacturerFacet.objects.filter(kind="process", code__in=sorted(needed))
               .values("manufacturer_id"))
        firms = manufacturers_public().filter(id__in=ids)
        if reachable_only:
            firms = firms.filter(id__in=Manufacturer.objects.filter(reachable_q()).values("id"))
        body["manufacturers"] = list(iter_records(firms))
    costs = None
    if priced_for and isinstance(body.get("packages"), list) and "estimates" not in body:
        costs = package_costs(packages=body["packages"], client_country=priced_for)
        body["estimates"] = _estimates_for(body["manufacturers"], costs, priced_for)
    plan = plan_consortium(body, time_limit_s=limit, started=started)
    if costs is not None:
        plan["currency"] = "USD"
        plan["package_costs"] = {k: {c: v["total_cost"] for c, v in by.items()}
                                 for k, by in costs.items()}
        plan["cost_assumptions"] = {k: next(iter(by.values()))["assumptions"]
                                    for k, by in costs.items()}
    return plan


# --- The window --------------------------------------------------------------------------------

def _is_member(user: Any, organisation: Organisation | None) -> bool:
    return (organisation is not None and getattr(user, "is_authenticated", False)
            and organisation.memberships.filter(user=user).exists())


def _coordinator_org(value: Any) -> Organisation:
    if isinstance(value, Organisation):
        org: Organisation | None = value
    else:
        try:
            org = Organisation.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            org = None
    if org is None or org.kind != "coordinator":
        raise InputError("coordinator", gettext("no such coordinator organisation"))
    return org


def window_send(*, actor: Any, project: Project, coordinator: Any,
                note: str = "") -> WindowRequest:
    """"Please find us makers": the startup sends ``project`` to a coordinator's window.

    The project's coordinator becomes that organisation (``projects.services.project_update``)
    and the window gets an inquiry; an open inquiry of the same window is reused (its note
    replaced) instead of a second one.
    """
    from shisaku.projects.services import project_update

    if project.deleted_at is not None or not _is_member(actor, project.organisation):
        raise InputError("project", gettext("you can send only your own startup's projects"))
    org = _coordinator_org(coordinator)
    note = str(note or "").strip()
    if len(note) > 5000:
        raise InputError("note", gettext("at most 5,000 characters"))
    with transaction.atomic():
        if project.coordinator_id != org.pk:
            project_update(actor=actor, project=project, data={"coordinator": org})
        inquiry = (WindowRequest.objects.select_for_update()
                   .filter(project=project, coordinator=org, kind=InquiryKind.WINDOW)
                   .exclude(status=InquiryStatus.CLOSED).first())
        if inquiry is None:
            inquiry = WindowRequest.objects.create(project=project, coordinator=org,
                                                   kind=InquiryKind.WINDOW, note=note,
                                                   created_by=actor)
        else:
            inquiry.note = note or inquiry.note
            inquiry.save(update_fields=["note", "updated_at"])
        audit_record(actor=actor, action="consortia.window_send", obj=inquiry,
                     summary=f"{project.title} → {org.name}", data={"project": project.pk})
    return inquiry


def _owner(value: Any, coordinator: Organisation) -> Any:
    from shisaku.accounts.models import User

    if value in (None, ""):
        return None
    if isinstance(value, User):
        user: Any = value
    else:
        try:
            user = User.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            user = None
    if user is None or not coordinator.memberships.filter(user=user).exists():
        raise InputError("owner", gettext("the owner must be a member of the coordinator organisation"))
    return user


_UNSET: Any = object()


def inquiry_update(*, actor: Any, inquiry: WindowRequest, status: str | None = None,
                   owner: Any = _UNSET, notes: str | None = None) -> WindowRequest:
    """Triage an inquiry: its status (``choices.INQUIRY_TRANSITIONS``), owner (a member of the
    coordinator organisation, or None) and notes."""
    if not _is_member(actor, inquiry.coordinator):
        raise InputError("inquiry", gettext("only the window's coordinator can change it"))
    changed: dict[str, Any] = {}
    if status is not None and status != inquiry.status:
        if status not in InquiryStatus.values:
            raise InputError("status", gettext("unknown status"), valid=list(InquiryStatus.values))
        if not transition_allowed(INQUIRY_TRANSITIONS, inquiry.status, status):
            raise InputError("status", gettext("cannot go from %(source)s to %(target)s")
                             % {"source": inquiry.get_status_display(),
                                "target": InquiryStatus(status).label})
        changed["status"] = [inquiry.status, status]
        inquiry.status = status
    if owner is not _UNSET:
        user = _owner(owner, inquiry.coordinator)
        if user != inquiry.owner:
            changed["owner"] = user.pk if user else None
            inquiry.owner = user
    if notes is not None and notes != inquiry.notes:
        if len(notes) > 20000:
            raise InputError("notes", gettext("at most 20,000 characters"))
        changed["notes"] = True
        inquiry.notes = notes
    if changed:
        with transaction.atomic():
            inquiry.save()
            audit_record(actor=actor, action="consortia.inquiry_update", obj=inquiry,
                         summary=str(inquiry), data=changed)
    return inquiry


def window_sync_stuck(*, coordinator: Organisation, stuck_days: int = DEFAULT_STUCK_DAYS,
                      now: datetime.datetime | None = None) -> int:
    """Open a "stuck" inquiry for each supported project with no stage change for
    ``stuck_days`` days that has no open one yet; returns how many were opened."""
    opened = 0
    open_ids = set(WindowRequest.objects.filter(coordinator=coordinator, kind=InquiryKind.STUCK)
                   .exclude(status=InquiryStatus.CLOSED).values_list("project_id", flat=True))
    for project in stuck_projects(coordinator, now=now, stuck_days=stuck_days):
        if project.pk in open_ids:
            continue
        with transaction.atomic():
            inquiry = WindowRequest.objects.create(
                project=project, coordinator=coordinator, kind=InquiryKind.STUCK,
                note=f"no stage change since {project.stage_changed_at:%Y-%m-%d}")
            audit_record(actor=None, action="consortia.inquiry_stuck", obj=inquiry,
                         summary=project.title, data={"stuck_days": stuck_days})
        opened += 1
    return opened


def consortium_update(*, actor: Any, consortium: Consortium, owner: Any = _UNSET,
                      notes: str | None = None) -> Consortium:
    """The window's bookkeeping on a consortium: owner and notes."""
    if not _is_member(actor, consortium.coordinator):
        raise InputError("consortium", gettext("only the window's coordinator can change it"))
    changed: dict[str, Any] = {}
    if owner is not _UNSET:
        user = _owner(owner, consortium.coordinator)
        if user != consortium.owner:
            changed["owner"] = user.pk if user else None
            consortium.owner = user
    if notes is not None and notes != consortium.notes:
        changed["notes"] = True
        consortium.notes = notes
    if changed:
        with transaction.atomic():
            consortium.save()
            audit_record(actor=actor, action="consortia.update", obj=consortium,
                         summary=str(consortium), data=changed)
    return consortium


def window_digest(*, coordinator: Organisation, now: datetime.datetime | None = None,
                  days: int = 7, stuck_days: int = DEFAULT_STUCK_DAYS) -> dict[str, Any]:
    """The weekly digest of a window: ``subject``, ``text`` and ``html`` plus the figures
    (``context``) they were rendered from. Reads only."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    inquiries = WindowRequest.objects.filter(coordinator=coordinator,
                                             project__deleted_at__isnull=True)
    consortia = Consortium.objects.filter(coordinator=coordinator,
                                          project__deleted_at__isnull=True)
    context = {
        "coordinator": coordinator, "since": since, "now": now, "days": days,
        "new_inquiries": list(inquiries.filter(created_at__gte=since)
                              .select_related("project", "owner")),
        "open_inquiries": list(inquiries.exclude(status=InquiryStatus.CLOSED)
                               .select_related("project", "owner")),
        "unowned": inquiries.exclude(status=InquiryStatus.CLOSED).filter(owner=None).count(),
        "stuck": list(stuck_projects(coordinator, now=now, stuck_days=stuck_days)
                      .order_by("stage_changed_at")),
        "stuck_days": stuck_days,
        "forming": list(consortia.filter(status__in=[ConsortiumStatus.PROPOSED,
                                                     ConsortiumStatus.INVITING])
                        .select_related("project")),
        "formed": list(consortia.filter(status=ConsortiumStatus.FORMED, formed_at__gte=since)
                       .select_related("project", "lead")),
        "declines": ConsortiumMember.objects.filter(
            consortium__in=consortia, state=MemberState.DECLINED,
            responded_at__gte=since).count(),
        "link": absolute_url(reverse("consortia:inbox")),
    }
    subject = gettext("[Shisaku] Window digest for %(name)s") % {"name": coordinator.name}
    return {"subject": subject,
            "text": render_plain_text("consortia/digest.txt", context),
            "html": render_to_string("consortia/digest.html", context),
            "context": context}


def window_digest_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail each coordinator organisation's digest to each of its members, in that person's
    language and time zone; returns mails sent."""
    sent = 0
    for org in Organisation.objects.filter(kind="coordinator").order_by("pk"):
        window_sync_stuck(coordinator=org, now=now)
        for user in members_of(org):
            if not user.email:
                continue
            with recipient_context(user):
                digest = window_digest(coordinator=org, now=now)
            send_mail(subject=digest["subject"], message=digest["text"], from_email=None,
                      recipient_list=[user.email], html_message=digest["html"])
            sent += 1
    return sent


# --- Consortia ---------------------------------------------------------------------------------

PLAN_TIME_LIMIT_S = 5.0


def project_parts_for_split(project: Project) -> list[dict[str, Any]]:
    """The project's parts as ``split_work_packages`` input: process hints, material, the
    quantity of the part's spec when given."""
    parts = []
    for part in project.parts.all():
        quantity = part.spec.get("quantity") if isinstance(part.spec, dict) else None
        parts.append({
            "name": part.name,
            "processes": [p for p in part.process_hints or [] if isinstance(p, str)],
            "materials": [part.material] if part.material else [],
            "quantity": quantity if isinstance(quantity, int) and quantity >= 1 else None,
        })
    return parts


def packages_clean(items: Any) -> list[dict[str, Any]]:
    """Validated work packages (``packages_from_dicts``) as plain dicts; ``"lead"`` is reserved."""
    from shisaku.engines.consortium import packages_from_dicts
    from shisaku.taxonomy import UnknownCodeError

    try:
        packages = packages_from_dicts(items)
    except UnknownCodeError as exc:
        raise InputError("packages", gettext("unknown codes: %(codes)s") % {"codes": ", ".join(exc.unknown)},
                         valid=exc.valid) from None
    if not packages:
        raise InputError("packages", gettext("at least one work package is needed"))
    if any(p.id == LEAD for p in packages):
        raise InputError("packages", gettext('"%(name)s" is reserved for the lead firm') % {"name": LEAD})
    return [p.to_dict() for p in packages]


def consortium_constraints_clean(data: Any) -> dict[str, Any]:
    """Validated team constraints: ``countries``, ``regions`` (region or block codes),
    ``max_distance_km`` with ``origin_region``. InputError names the field."""
    from shisaku import taxonomy

    if data in (None, ""):
        return {}
    if not isinstance(data, Mapping):
        raise InputError("constraints", gettext("an object"))
    valid = ["countries", "regions", "max_distance_km", "origin_region"]
    unknown = sorted(set(data) - set(valid))
    if unknown:
        raise InputError("constraints", gettext("unknown constraints: %(names)s") % {"names": ", ".join(unknown)},
                         valid=valid)
    out: dict[str, Any] = {}
    for key, known in (("countries", set(taxonomy.COUNTRIES)),
                       ("regions", set(taxonomy.REGIONS) | set(taxonomy.BLOCKS))):
        values = data.get(key)
        if not values:
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(key, gettext("a list of codes"))
        bad = sorted(set(values) - known)
        if bad:
            raise InputError(key, gettext("unknown codes: %(codes)s") % {"codes": ", ".join(bad)})
        out[key] = sorted(set(values))
    km = data.get("max_distance_km")
    if km not in (None, ""):
        if isinstance(km, bool) or not isinstance(km, int | float) or not 0 < km <= 20_000:
            raise InputError("max_distance_km", gettext("a distance between 0 and 20,000 km"))
        origin = data.get("origin_region")
        if origin not in taxonomy.REGIONS:
            raise InputError("origin_region", gettext("choose the region to measure the distance from"))
        out["max_distance_km"], out["origin_region"] = float(km), origin
    return out


def _slots(plan: Mapping[str, Any]) -> dict[str, tuple[int, float]]:
    """Slot (package id or lead) -> (manufacturer id, planned cost) of a plan's team."""
    if not plan.get("lead"):
        return {}
    slots = {LEAD: (int(plan["lead"]["id"]), 0.0)}
    for package_id, member in (plan.get("members") or {}).items():
        slots[str(package_id)] = (int(member["manufacturer"]["id"]), float(member.get("cost") or 0))
    return slots


def _has_team(plan: Mapping[str, Any]) -> bool:
    return plan.get("status") in ("optimal", "feasible") and bool(plan.get("lead"))


def _plan_for(consortium: Consortium, *, declined: list[int] | None = None,
              pinned: Mapping[str, int] | None = None,
              time_limit_s: float | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"packages": consortium.packages, "seed": 0}
    if consortium.constraints:
        request["constraints"] = dict(consortium.constraints)
    if declined:
        request["declined"] = sorted(set(declined))
    if pinned:
        constraints: dict[str, Any] = {}
        required = {k: v for k, v in pinned.items() if k != LEAD}
        if required:
            constraints["required"] = required
        if LEAD in pinned:
            constraints["required_lead"] = pinned[LEAD]
        request["constraints"] = {**request.get("constraints", {}), **constraints}
    client_country = consortium.project.organisation.country or "KR"
    return consortium_plan(request=request, time_limit_s=time_limit_s or PLAN_TIME_LIMIT_S,
                           priced_for=client_country, reachable_only=True)


def _set_plan(consortium: Consortium, plan: dict[str, Any]) -> None:
    consortium.plan = plan
    lead = plan.get("lead") if _has_team(plan) else None
    consortium.lead = (Manufacturer.objects.filter(pk=int(lead["id"])).first()
                       if lead else None)


def consortium_propose(*, actor: Any, project: Project, packages: Any = None,
                       time_limit_s: float | None = None) -> Consortium:
    """A consortium for ``project`` proposed by its coordinator: the work packages (given, or
    split from the parts by ``split_work_packages``) and the optimiser's plan over the
    directory. One open (proposed or inviting) consortium per project."""
    from shisaku.engines.consortium import split_work_packages

    coordinator = project.coordinator
    if project.deleted_at is not None or not _is_member(actor, coordinator):
        raise InputError("project", gettext("only the project's coordinator can propose a consortium"))
    assert coordinator is not None
    if packages is None:
        parts = project_parts_for_split(project)
        if not any(p["processes"] for p in parts):
            raise InputError("packages", gettext("the project's parts name no processes: give packages"))
        items = [p.to_dict() for p in split_work_packages(parts)]
    else:
        items = packages
    clean = packages_clean(items)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        if Consortium.objects.filter(project=project, status__in=[
                ConsortiumStatus.PROPOSED, ConsortiumStatus.INVITING]).exists():
            raise InputError("project", gettext("the project already has a consortium being formed"))
        consortium = Consortium(project=project, coordinator=coordinator, packages=clean,
                                created_by=actor, owner=actor)
        _set_plan(consortium, _plan_for(consortium, time_limit_s=time_limit_s))
        consortium.save()
        audit_record(actor=actor, action="consortia.propose", obj=consortium,
                     summary=project.title,
                     data={"packages": [p["id"] for p in clean],
                           "plan_status": consortium.plan.get("status")})
    return consortium


def _check_manager(actor: Any, consortium: Consortium) -> None:
    if not _is_member(actor, consortium.coordinator):
        raise InputError("consortium", gettext("only the window's coordinator can do this"))


def _move(consortium: Consortium, to_status: str) -> None:
    if not transition_allowed(CONSORTIUM_TRANSITIONS, consortium.status, to_status):
        raise InputError("status", gettext("cannot go from %(source)s to %(target)s")
                         % {"source": consortium.get_status_display(),
                            "target": ConsortiumStatus(to_status).label})
    consortium.status = to_status


def consortium_packages_set(*, actor: Any, consortium: Consortium, packages: Any,
                            constraints: Any = _UNSET,
                            time_limit_s: float | None = None) -> Consortium:
    """The coordinator's edited work packages (and, when given, the team constraints),
    re-planned. Only before invitations go out (a failed consortium comes back to
    proposed)."""
    _check_manager(actor, consortium)
    if consortium.status not in (ConsortiumStatus.PROPOSED, ConsortiumStatus.FAILED):
        raise InputError("status", gettext("packages can change only while the consortium is proposed"))
    clean = packages_clean(packages)
    places = (consortium.constraints if constraints is _UNSET
              else consortium_constraints_clean(constraints))
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
        if consortium.status == ConsortiumStatus.FAILED:
            _move(consortium, ConsortiumStatus.PROPOSED)
            consortium.members.filter(state__in=[MemberState.INVITED, MemberState.ACCEPTED]
                                      ).update(state=MemberState.RELEASED)
        consortium.packages = clean
        consortium.constraints = places
        _set_plan(consortium, _plan_for(consortium, time_limit_s=time_limit_s))
        consortium.save()
        audit_record(actor=actor, action="consortia.packages_set", obj=consortium,
                     summary=str(consortium),
                     data={"packages": [p["id"] for p in clean], "constraints": places,
                           "plan_status": consortium.plan.get("status")})
    return consortium


def _reconcile(consortium: Consortium, plan: Mapping[str, Any]) -> dict[str, list[int]]:
    """Make the open member rows match the plan's team: rows whose slot went to another firm are
    released, slots without a row get a new invitation. Returns the firms invited/released."""
    slots = _slots(plan)
    now = timezone.now()
    invited: list[int] = []
    released: list[int] = []
    open_rows = {m.package_id: m for m in open_invitations(consortium)}
    for package_id, row in open_rows.items():
        if slots.get(package_id, (None, 0.0))[0] != row.manufacturer_id:
            row.state = MemberState.RELEASED
            row.responded_at = row.responded_at or now
            row.save(update_fields=["state", "responded_at"])
            released.append(row.manufacturer_id)
    accepted_firms = set(consortium.members.filter(state=MemberState.ACCEPTED)
                         .values_list("manufacturer_id", flat=True))
    for package_id, (firm_id, cost) in slots.items():
        row = open_rows.get(package_id)
        if row is not None and row.manufacturer_id == firm_id:
            row.cost = Decimal(str(round(cost, 2)))
            row.save(update_fields=["cost"])
            continue
        # A firm that already accepted this job answers for its new slot too.
        state = MemberState.ACCEPTED if firm_id in accepted_firms else MemberState.INVITED
        ConsortiumMember.objects.create(
            consortium=consortium, package_id=package_id, manufacturer_id=firm_id, state=state,
            cost=Decimal(str(round(cost, 2))),
            responded_at=now if state == MemberState.ACCEPTED else None)
        invited.append(firm_id)
    return {"invited": sorted(set(invited)), "released": sorted(set(released))}


def consortium_invite(*, actor: Any, consortium: Consortium) -> Consortium:
    """Invite the plan's team: the lead and one firm per package (proposed → inviting). Each
    firm's members see the invitation in their invitations page."""
    _check_manager(actor, consortium)
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
        if not _has_team(consortium.plan):
            raise InputError("plan", gettext("the plan has no team to invite"))
        _move(consortium, ConsortiumStatus.INVITING)
        changes = _reconcile(consortium, consortium.plan)
        consortium.save()
        audit_record(actor=actor, action="consortia.invite", obj=consortium,
                     summary=str(consortium), data=changes)
        _notify_invited(consortium, changes["invited"])
        member_links_send(actor=actor, consortium=consortium)  # firms without members
    return consortium


def _notify_invited(consortium: Consortium, firm_ids: list[int]) -> None:
    """Tell the members of newly invited firms, each in their own language."""
    firms = Manufacturer.objects.filter(pk__in=firm_ids).select_related("organisation")
    notification_send(users=members_of(*[f.organisation for f in firms]),
                      kind=CONSORTIUM_INVITED, url=reverse("consortia:invitations"),
                      params={"coordinator": consortium.coordinator.name,
                              "project": consortium.project.title})


def _firm_member(actor: Any, manufacturer: Manufacturer) -> bool:
    return _is_member(actor, manufacturer.organisation) if manufacturer.organisation_id else False


def member_respond(*, actor: Any, member: ConsortiumMember, answer: str) -> Consortium:
    """A firm's answer to its invitation (``accept`` or ``decline``), for all its slots in the
    consortium. A decline re-plans without the firm (the firms that accepted stay pinned; if
    that is infeasible, re-planned freely) and invites the new slots' firms; when no team is
    left the consortium fails."""
    if answer not in ("accept", "decline"):
        raise InputError("answer", gettext("accept or decline"), valid=["accept", "decline"])
    by_link = (isinstance(actor, LinkActor) and actor.link_kind == "consortium"
               and actor.manufacturer_id == member.manufacturer_id)
    if not (by_link or _firm_member(actor, member.manufacturer)):
        raise InputError("member", gettext("only the invited firm can answer"))
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=member.consortium_id)
        if consortium.status != ConsortiumStatus.INVITING:
            raise InputError("status", gettext("the consortium is not inviting"))
        rows = list(consortium.members.filter(manufacturer_id=member.manufacturer_id,
                                              state=MemberState.INVITED))
        if not rows:
            raise InputError("member", gettext("no open invitation to answer"))
        state = MemberState.ACCEPTED if answer == "accept" else MemberState.DECLINED
        now = timezone.now()
        for row in rows:
            if not transition_allowed(MEMBER_TRANSITIONS, row.state, state):
                raise InputError("state", gettext("cannot go from %(source)s to %(target)s")
                                 % {"source": row.get_state_display(), "target": state.label})
            row.state = state
            row.responded_at = now
            row.save(update_fields=["state", "responded_at"])
        data: dict[str, Any] = {"manufacturer": member.manufacturer_id, "answer": answer,
                                "slots": [r.package_id for r in rows]}
        if state == MemberState.DECLINED:
            data.update(_replan_after_decline(consortium))
        consortium.save()
        audit_record(actor=actor, action=f"consortia.member_{answer}", obj=consortium,
                     summary=f"{member.manufacturer} {answer}s {consortium}", data=data)
        member_links_send(actor=actor, consortium=consortium)  # a re-plan's new firms
    return consortium


def _replan_after_decline(consortium: Consortium) -> dict[str, Any]:
    declined = list(consortium.members.filter(state=MemberState.DECLINED)
                    .values_list("manufacturer_id", flat=True))
    pinned = {m.package_id: m.manufacturer_id
              for m in consortium.members.filter(state=MemberState.ACCEPTED)}
    plan = _plan_for(consortium, declined=declined, pinned=pinned)
    if not _has_team(plan) and pinned:
        plan = _plan_for(consortium, declined=declined)
    _set_plan(consortium, plan)
    if not _has_team(plan):
        _move(consortium, ConsortiumStatus.FAILED)
        open_invitations(consortium).update(state=MemberState.RELEASED)
        return {"replan": plan.get("status"), "failed": True,
                "infeasible_packages": plan.get("infeasible_packages", [])}
    changes = _reconcile(consortium, plan)
    _notify_invited(consortium, changes["invited"])
    return {"replan": plan.get("status"), **changes}


def consortium_ready(consortium: Consortium) -> bool:
    """Whether the lead and every package's firm accepted (then the consortium can be formed)."""
    rows = {m.package_id: m for m in open_invitations(consortium)}
    needed = {LEAD, *(str(p["id"]) for p in consortium.packages)}
    return set(rows) >= needed and all(rows[s].state == MemberState.ACCEPTED for s in needed)


def consortium_form(*, actor: Any, consortium: Consortium) -> Consortium:
    """Inviting → formed once the lead and every package's firm accepted. Each slot's share of
    the work is its planned cost over the team's total (the lead slot: 0 %, it integrates)."""
    _check_manager(actor, consortium)
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
        if consortium.status != ConsortiumStatus.INVITING or not consortium_ready(consortium):
            raise InputError("status", gettext("the lead and every package's firm must accept first"))
        _move(consortium, ConsortiumStatus.FORMED)
        rows = list(open_invitations(consortium))
        total = sum((r.cost for r in rows if r.package_id != LEAD), Decimal("0"))
        for row in rows:
            share = (Decimal("0") if row.package_id == LEAD or total <= 0
                     else row.cost * 100 / total)
            row.share_pct = share.quantize(Decimal("0.01"))
            row.save(update_fields=["share_pct"])
        consortium.formed_at = timezone.now()
        consortium.save()
        audit_record(actor=actor, action="consortia.form", obj=consortium,
                     summary=str(consortium),
                     data={"shares": {r.package_id: str(r.share_pct) for r in rows}})
    return consortium


def firm_shares(consortium: Consortium) -> dict[int, Decimal]:
    """Manufacturer id -> its total share of the work (%) in a formed consortium."""
    shares: dict[int, Decimal] = {}
    for row in consortium.members.filter(state=MemberState.ACCEPTED):
        shares[row.manufacturer_id] = shares.get(row.manufacturer_id, Decimal("0")) + (
            row.share_pct or Decimal("0"))
    return shares


# --- The joint quote ---------------------------------------------------------------------------

JOINT_QUOTE_DAYS = 14


def _joint_tiers(project: Project) -> list[int]:
    tiers = sorted({q for q in (project.qty_prototype, project.qty_pilot, project.qty_small_lot,
                                project.qty_mass) if q})
    return tiers[:6] or [1]


def joint_quote_open(*, actor: Any, consortium: Consortium,
                     quantity_tiers: list[Any] | None = None,
                     quote_deadline: datetime.datetime | None = None,
                     now: datetime.datetime | None = None) -> Any:
    """The RFQ through which the lead firm answers the startup with one joint quote.

    A formed consortium only; the coordinator's members or the lead firm's members. The normal
    RFQ services do the work: ``rfq_create`` over every part of the project (the usual
    completeness rule applies: a part not ready for an RFQ is refused, naming what is missing)
    and ``rfq_send`` to the lead firm alone. Tiers default to the project's quantities, the
    deadline to ``JOINT_QUOTE_DAYS`` days. Idempotent: the consortium's RFQ is reused unless
    it was cancelled. Returns the RFQ.
    """
    from shisaku.rfq.choices import RFQStatus
    from shisaku.rfq.services import rfq_create, rfq_send

    now = now or timezone.now()
    lead = consortium.lead
    if not (_is_member(actor, consortium.coordinator)
            or (lead is not None and _firm_member(actor, lead))):
        raise InputError("consortium", gettext("only the window's coordinator or the lead firm "
                                               "can open the joint quote"))
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
        if consortium.status != ConsortiumStatus.FORMED or consortium.lead is None:
            raise InputError("status", gettext("the consortium must be formed first"))
        rfq = consortium.rfq
        if rfq is not None and rfq.status != RFQStatus.CANCELLED:
            return rfq
        project = consortium.project
        part_ids = list(project.parts.values_list("pk", flat=True))
        if not part_ids:
            raise InputError("parts", gettext("the project has no parts to quote"))
        rfq = rfq_create(
            actor=actor, project=project, part_ids=part_ids,
            quantity_tiers=quantity_tiers or _joint_tiers(project),
            quote_deadline=quote_deadline or now + datetime.timedelta(days=JOINT_QUOTE_DAYS),
            title=gettext("Joint quote: %(project)s (consortium of %(lead)s)") % {
                "project": project.title, "lead": consortium.lead.name},
            notes=gettext("One quote for the whole project from the lead firm of the "
                          "consortium formed by %(coordinator)s.") % {
                "coordinator": consortium.coordinator.name}, now=now)
        rfq_send(actor=actor, rfq=rfq, manufacturer_ids=[consortium.lead.pk], now=now)
        consortium.rfq = rfq
        consortium.save(update_fields=["rfq", "updated_at"])
        audit_record(actor=actor, action="consortia.joint_quote_open", obj=consortium,
                     summary=str(consortium), data={"rfq": rfq.pk, "lead": consortium.lead.pk})
    return rfq


def joint_award_on_award(*, actor: Any, rfq: Any, quote: Any, awards: list[Any],
                         now: datetime.datetime | None = None) -> Consortium | None:
    """Subscriber of ``rfq.award_created`` (core.events): see :func:`joint_award_record`."""
    return joint_award_record(actor=actor, quote=quote, awards=awards, now=now)


def joint_award_record(*, actor: Any, quote: Any, awards: list[Any],
                       now: datetime.datetime | None = None) -> Consortium | None:
    """Called by ``rfq.services.award_create``: when the awarded quote is a consortium's joint
    quote (its RFQ, from its lead), the consortium records the award; each member's share of
    the work is the one set when it was formed. None when the quote is not a joint quote."""
    invitation = quote.invitation
    consortium = (Consortium.objects.select_for_update()
                  .filter(rfq_id=invitation.rfq_id, lead_id=invitation.manufacturer_id,
                          status=ConsortiumStatus.FORMED, award__isnull=True).first())
    if consortium is None or not awards:
        return None
    consortium.award = awards[0]
    consortium.awarded_at = now or timezone.now()
    consortium.save(update_fields=["award", "awarded_at", "updated_at"])
    audit_record(actor=actor, action="consortia.award", obj=consortium, summary=str(consortium),
                 data={"rfq": invitation.rfq_id, "quote": quote.pk,
                       "shares": {str(k): str(v) for k, v in firm_shares(consortium).items()}})
    return consortium
