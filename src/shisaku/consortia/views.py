"""Pages of the coordinator's window, consortia and firms' consortium invitations. Views parse,
call, render; access is decided by selectors (what you may not see is a 404, never a 403)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shisaku.consortia import selectors, services
from shisaku.consortia.choices import DEFAULT_STUCK_DAYS, LEAD, ConsortiumStatus, MemberState
from shisaku.consortia.forms import (
    InboxFilterForm,
    InquiryForm,
    PackagesForm,
    RespondForm,
    SendForm,
)
from shisaku.consortia.models import Consortium
from shisaku.errors import InputError
from shisaku.projects.models import Project
from shisaku.projects.selectors import coordinators_all


def _coordinators_or_404(request: HttpRequest) -> list[Any]:
    coordinators = list(selectors.coordinators_of(request.user))
    if not coordinators:
        raise Http404(_("The window is for coordinator organisations."))
    return coordinators


def _owners(coordinators: list[Any]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for org in coordinators:
        for user in selectors.coordinator_members(org):
            seen[user.pk] = user.get_full_name() or user.username
    return sorted(seen.items())


@login_required
@require_GET
def window_inbox(request: HttpRequest) -> HttpResponse:
    coordinators = _coordinators_or_404(request)
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.window_inbox(user=request.user, status=filters.get("status", ""),
                                  kind=filters.get("kind", ""), stage=filters.get("stage", ""))
    owners = _owners(coordinators)
    for row in rows:
        row["form"] = InquiryForm(owners=owners, prefix=f"{row['kind']}-{row['pk']}", initial={
            "status": row["status"], "owner": row["owner"].pk if row["owner"] else None,
            "notes": row["notes"]})
    template = "consortia/_inbox_rows.html" if _is_htmx(request) else "consortia/inbox.html"
    return render(request, template, {"rows": rows, "filter_form": form,
                                      "rfq_rows": selectors.rfq_inquiries(user=request.user),
                                      "coordinators": coordinators,
                                      "stuck_days": DEFAULT_STUCK_DAYS})


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


@login_required
@require_POST
def inquiry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    coordinators = _coordinators_or_404(request)
    inquiry = selectors.inquiry_get(user=request.user, pk=pk)
    if inquiry is None:
        raise Http404(_("No such inquiry."))
    form = InquiryForm(request.POST, owners=_owners(coordinators), prefix=f"{inquiry.kind}-{pk}")
    if form.is_valid():
        try:
            services.inquiry_update(actor=request.user, inquiry=inquiry,
                                    status=form.cleaned_data["status"] or None,
                                    owner=form.cleaned_data["owner"],
                                    notes=form.cleaned_data["notes"])
            messages.success(request, _("Inquiry saved."))
        except InputError as exc:
            messages.error(request, exc.reason)
    else:
        messages.error(request, _("Please correct the inquiry form."))
    return redirect("consortia:inbox")


@login_required
@require_POST
def window_sync(request: HttpRequest) -> HttpResponse:
    coordinators = _coordinators_or_404(request)
    try:
        days = min(max(int(request.POST.get("days", DEFAULT_STUCK_DAYS)), 1), 3650)
    except ValueError:
        days = DEFAULT_STUCK_DAYS
    opened = sum(services.window_sync_stuck(coordinator=org, stuck_days=days)
                 for org in coordinators)
    messages.success(request, _("%(n)d stuck project(s) added to the window.") % {"n": opened})
    return redirect("consortia:inbox")


@login_required
@require_GET
def window_digest(request: HttpRequest) -> HttpResponse:
    digests = [services.window_digest(coordinator=org)
               for org in _coordinators_or_404(request)]
    return render(request, "consortia/digest_page.html", {"digests": digests})


@login_required
@require_http_methods(["GET", "POST"])
def window_send(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = selectors.window_projects_sendable(request.user).filter(pk=project_pk).first()
    if project is None:
        raise Http404(_("No such project among your startup's projects."))
    choices = list(coordinators_all().order_by("name").values_list("pk", "name"))
    form = SendForm(request.POST or None, coordinators=choices,
                    initial={"coordinator": project.coordinator_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.window_send(actor=request.user, project=project,
                                 coordinator=form.cleaned_data["coordinator"],
                                 note=form.cleaned_data["note"])
        except InputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
        else:
            messages.success(request, _("Sent: the coordinator will find makers for you."))
            return redirect("projects:detail", pk=project.pk)
    consortia = Consortium.objects.filter(project=project).order_by("-id")
    return render(request, "consortia/send.html", {"project": project, "form": form,
                                                   "consortia": consortia})


@login_required
@require_POST
def consortium_propose(request: HttpRequest, project_pk: int) -> HttpResponse:
    coordinators = _coordinators_or_404(request)
    project = Project.objects.filter(pk=project_pk, deleted_at__isnull=True,
                                     coordinator__in=coordinators).first()
    if project is None:
        raise Http404(_("No such project in your window."))
    try:
        consortium = services.consortium_propose(actor=request.user, project=project)
    except InputError as exc:
        messages.error(request, exc.reason)
        return redirect("consortia:inbox")
    return redirect("consortia:detail", pk=consortium.pk)


def _access_or_404(request: HttpRequest, pk: int, *, manage: bool = False) -> Consortium:
    access = selectors.consortium_access(user=request.user, pk=pk)
    if access is None or (manage and not access.manage):
        raise Http404(_("No such consortium."))
    return access.consortium


def _team_rows(consortium: Consortium) -> list[dict[str, Any]]:
    names = consortium.package_names()
    planned = consortium.plan.get("members") or {}
    firm_links: dict[int, Any] = {}
    for link in consortium.links.order_by("created_at", "id"):
        firm_links[link.manufacturer_id] = link  # the newest per firm
    rows = []
    for member in consortium.members.select_related("manufacturer").order_by("id"):
        label = _("Lead (integrator)") if member.package_id == LEAD else names.get(
            member.package_id, member.package_id)
        rows.append({"member": member, "label": label, "link": firm_links.get(
            member.manufacturer_id), "plan": planned.get(member.package_id) or {}})
    return rows


@login_required
@require_GET
def consortium_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.consortium_access(user=request.user, pk=pk)
    if access is None:
        raise Http404(_("No such consortium."))
    consortium = access.consortium
    form = PackagesForm(initial={"packages": json.dumps(consortium.packages, indent=2,
                                                        ensure_ascii=False)})
    return render(request, "consortia/detail.html", _detail_context(access.manage, consortium,
                                                                    form))


def _detail_context(manage: bool, consortium: Consortium, form: PackagesForm) -> dict[str, Any]:
    return {
        "consortium": consortium, "manage": manage, "plan": consortium.plan,
        "team": _team_rows(consortium), "packages_form": form,
        "editable": manage and consortium.status in (ConsortiumStatus.PROPOSED,
                                                     ConsortiumStatus.FAILED),
        "can_invite": manage and consortium.status == ConsortiumStatus.PROPOSED
        and consortium.plan.get("status") in ("optimal", "feasible"),
        "can_form": manage and consortium.status == ConsortiumStatus.INVITING
        and services.consortium_ready(consortium),
        "terms": sorted((consortium.plan.get("terms") or {}).items()),
        "can_open_joint_quote": manage and consortium.status == ConsortiumStatus.FORMED
        and (consortium.rfq is None or consortium.rfq.status == "cancelled"),
    }


@login_required
@require_POST
def consortium_packages(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _access_or_404(request, pk, manage=True)
    form = PackagesForm(request.POST)
    if form.is_valid():
        try:
            services.consortium_packages_set(actor=request.user, consortium=consortium,
                                             packages=form.cleaned_data["packages"])
        except InputError as exc:
            form.add_error("packages", f"{exc.field}: {exc.reason}")
        else:
            messages.success(request, _("Packages saved and the team re-planned."))
            return redirect("consortia:detail", pk=pk)
    return render(request, "consortia/detail.html", _detail_context(True, consortium, form),
                  status=422)


def _workflow(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    consortium = _access_or_404(request, pk, manage=True)
    try:
        action(actor=request.user, consortium=consortium)
        messages.success(request, done)
    except InputError as exc:
        messages.error(request, exc.reason)
    return redirect("consortia:detail", pk=pk)


@login_required
@require_POST
def consortium_invite(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, services.consortium_invite, _("Invitations sent."))


@login_required
@require_POST
def consortium_form(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, services.consortium_form, _("The consortium is formed."))


@login_required
@require_POST
def consortium_joint_quote(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator opens the joint quote: an RFQ to the lead firm (see the service)."""
    consortium = _access_or_404(request, pk, manage=True)
    try:
        services.joint_quote_open(actor=request.user, consortium=consortium)
        messages.success(request, _("The lead firm is asked for one joint quote."))
    except InputError as exc:
        messages.error(request, exc.reason)
    return redirect("consortia:detail", pk=pk)


@login_required
@require_POST
def consortium_bookkeeping(request: HttpRequest, pk: int) -> HttpResponse:
    coordinators = _coordinators_or_404(request)
    consortium = _access_or_404(request, pk, manage=True)
    form = InquiryForm(request.POST, owners=_owners(coordinators), prefix=f"consortium-{pk}")
    if form.is_valid():
        try:
            services.consortium_update(actor=request.user, consortium=consortium,
                                       owner=form.cleaned_data["owner"],
                                       notes=form.cleaned_data["notes"])
            messages.success(request, _("Saved."))
        except InputError as exc:
            messages.error(request, exc.reason)
    return redirect("consortia:inbox")


@login_required
@require_GET
def invitations(request: HttpRequest) -> HttpResponse:
    if not selectors.manufacturers_of(request.user).exists():
        raise Http404(_("Invitations are for manufacturers."))
    rows = list(selectors.invitations_of(request.user))
    for row in rows:
        row.label = (_("Lead (integrator)") if row.package_id == LEAD
                     else row.consortium.package_names().get(row.package_id, row.package_id))
    return render(request, "consortia/invitations.html", {
        "invitations": rows, "invited": MemberState.INVITED,
        "inviting": ConsortiumStatus.INVITING})


@login_required
@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.invitation_get(user=request.user, pk=pk)
    if member is None:
        raise Http404(_("No such invitation."))
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Accept or decline."))
    else:
        try:
            services.member_respond(actor=request.user, member=member,
                                    answer=form.cleaned_data["answer"])
            messages.success(request, _("Answer sent."))
        except InputError as exc:
            messages.error(request, exc.reason)
    return redirect("consortia:invitations")
