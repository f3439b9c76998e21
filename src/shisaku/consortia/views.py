"""Pages of the coordinator's window, consortia and firms' consortium invitations. Views parse,
call, render; access is decided by selectors (what you may not see is a 404, never a 403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shisaku.consortia import selectors, services
from shisaku.consortia.choices import DEFAULT_STUCK_DAYS, LEAD, ConsortiumStatus, MemberState
from shisaku.consortia.forms import (
    ConstraintsForm,
    InboxFilterForm,
    InquiryForm,
    PackageFormSet,
    RespondForm,
    SendForm,
)
from shisaku.consortia.models import Consortium
from shisaku.core.refusals import refusal
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
            messages.error(request, refusal(exc))
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
            form.add_error(exc.field if exc.field in form.fields else None, refusal(exc))
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
        messages.error(request, refusal(exc))
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
    formset, places = _package_forms(consortium)
    return render(request, "consortia/detail.html",
                  _detail_context(access.manage, consortium, formset, places))


def _package_forms(consortium: Consortium, data: Any = None) -> tuple[Any, ConstraintsForm]:
    """The packages as a formset (one form per package, one empty row to add one) and the
    team constraints form, bound to ``data`` when posted."""
    packages = consortium.packages
    kwargs = {"part_names": list(consortium.project.parts.values_list("name", flat=True)),
              "package_choices": [(str(p["id"]), p.get("name") or p["id"]) for p in packages]}
    if data is not None:
        formset = PackageFormSet(data, prefix="packages", **kwargs)
        formset.summary_title = _("work packages")
        return formset, ConstraintsForm(data, prefix="team")
    initial = [{"id": p["id"], "name": p.get("name") or p["id"],
                "processes": p.get("processes") or [], "materials": p.get("materials") or [],
                "quantity": p.get("quantity"), "parts": p.get("parts") or [],
                "depends_on": p.get("depends_on") or []} for p in packages]
    return (PackageFormSet(initial=initial, prefix="packages", **kwargs),
            ConstraintsForm(initial=consortium.constraints, prefix="team"))


def _packages_from(formset: Any, existing: list[dict[str, Any]]
                   ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The formset's kept rows as package dicts, and package id -> its form: new rows get a
    fresh id, a package keeps the size and base cost it had (not edited here)."""
    by_id = {str(p["id"]): p for p in existing}
    used = set(by_id)
    items, forms_by_id = [], {}
    for form in formset.forms:
        if not form.has_changed() or formset._should_delete_form(form):
            continue
        d = form.cleaned_data
        package_id = d.get("id") or ""
        if package_id not in by_id:
            number = len(used) + 1
            while f"wp{number}" in used:
                number += 1
            package_id = f"wp{number}"
            used.add(package_id)
        old = by_id.get(package_id, {})
        forms_by_id[package_id] = form
        items.append({"id": package_id, "name": d["name"].strip(),
                      "processes": list(d["processes"]), "materials": list(d["materials"]),
                      "quantity": d.get("quantity"), "parts": list(d.get("parts") or []),
                      "depends_on": list(d.get("depends_on") or []),
                      "part_size_mm": old.get("part_size_mm"), "base_cost": old.get("base_cost")})
    kept = {i["id"] for i in items}
    for item in items:  # a removed package is no longer waited for
        item["depends_on"] = [d for d in item["depends_on"] if d in kept]
    return items, forms_by_id


def _apply_package_error(forms_by_id: dict[str, Any], places: ConstraintsForm,
                         exc: InputError) -> None:
    """Put a service error on the row and field it names (``packages[wp2].processes``), a
    constraint's on its field, anything else at the top of the form."""
    field = exc.field
    if field.split(".")[0] in places.fields:
        places.add_error(field.split(".")[0], refusal(exc))
        return
    if field.startswith("packages[") and "]" in field:
        package_id, _sep, rest = field[len("packages["):].partition("]")
        form = forms_by_id.get(package_id)
        if form is not None:
            name = rest.lstrip(".")
            form.add_error(name if name in form.fields else None, refusal(exc))
            return
    places.add_error(None, refusal(exc))


def _money(amount: Any, currency: str | None) -> str:
    """A plan's cost: in its currency when priced from estimates, else the bare number."""
    if amount is None:
        return ""
    value = float(amount)
    return f"{currency} {value:,.0f}" if currency else f"{value:,.2f}"


def _package_rows(consortium: Consortium) -> list[dict[str, Any]]:
    plan = consortium.plan or {}
    members = plan.get("members") or {}
    currency = plan.get("currency")
    rows = []
    for package in consortium.packages:
        member = members.get(str(package.get("id"))) or {}
        rows.append({"id": package.get("id"), "name": package.get("name") or package.get("id"),
                     "processes": package.get("processes") or [],
                     "firm": (member.get("manufacturer") or {}).get("name"),
                     "cost": _money(member.get("cost"), currency) if member else "",
                     "days": member.get("lead_time_days")})
    return rows


def _places_summary(constraints: dict[str, Any]) -> str:
    from django.utils.translation import get_language

    from shisaku import taxonomy

    lang = get_language() or "en"
    parts = [taxonomy.label("country", c, lang) for c in constraints.get("countries", [])]
    parts += [taxonomy.label("block" if c in taxonomy.BLOCKS else "region", c, lang)
              for c in constraints.get("regions", [])]
    if constraints.get("max_distance_km"):
        parts.append(_("within %(km)s km of %(region)s") % {
            "km": f"{constraints['max_distance_km']:,.0f}",
            "region": taxonomy.label("region", constraints["origin_region"], lang)})
    return ", ".join(parts)


_CONSTRAINT_LABELS = {"countries": _lazy("countries"), "regions": _lazy("regions or blocks"),
                      "max_distance_km": _lazy("maximum distance"),
                      "place": _lazy("places (several together)")}


def _blocking(plan: dict[str, Any], names: dict[str, Any]) -> str:
    """The optimiser's "this constraint empties these packages", translated."""
    code = plan.get("reason_code") or {}
    if code.get("code") != "constraint_empties_packages":
        return ""
    params = code["params"]
    packages = [str(_("Lead (integrator)")) if p == LEAD else str(names.get(p, p))
                for p in params["packages"]]
    return _("No team fits: the %(constraint)s constraint keeps out every firm that could "
             "take %(packages)s (%(n)s firm(s)). Widen it, or drop it.") % {
        "constraint": _CONSTRAINT_LABELS.get(params["constraint"], params["constraint"]),
        "packages": ", ".join(packages), "n": params["firms_kept_out"]}


def _terms(plan: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The objective's terms; priced from estimates, the cost term is in the plan's currency
    (the engine calls its unit "cost units": whatever the offers were given in)."""
    terms = []
    for name, term in sorted((plan.get("terms") or {}).items()):
        if name == "cost" and plan.get("currency"):
            term = {**term, "unit": plan["currency"]}
        terms.append((name, term))
    return terms


def _detail_context(manage: bool, consortium: Consortium, formset: Any,
                    places: ConstraintsForm) -> dict[str, Any]:
    plan = consortium.plan or {}
    members = plan.get("members") or {}
    total = (sum(float(m.get("cost") or 0) for m in members.values())
             if members and plan.get("currency") else None)
    return {
        "package_rows": _package_rows(consortium),
        "total_cost": _money(total, plan.get("currency")) if total is not None else None,
        "places_summary": _places_summary(consortium.constraints or {}),
        "blocking": _blocking(plan, consortium.package_names()),
        "consortium": consortium, "manage": manage, "plan": consortium.plan,
        "team": _team_rows(consortium), "formset": formset, "places": places,
        "editable": manage and consortium.status in (ConsortiumStatus.PROPOSED,
                                                     ConsortiumStatus.FAILED),
        "can_invite": manage and consortium.status == ConsortiumStatus.PROPOSED
        and consortium.plan.get("status") in ("optimal", "feasible"),
        "can_form": manage and consortium.status == ConsortiumStatus.INVITING
        and services.consortium_ready(consortium),
        "terms": _terms(plan),
        "can_open_joint_quote": manage and consortium.status == ConsortiumStatus.FORMED
        and (consortium.rfq is None or consortium.rfq.status == "cancelled"),
    }


@login_required
@require_POST
def consortium_packages(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _access_or_404(request, pk, manage=True)
    formset, places = _package_forms(consortium, request.POST)
    if formset.is_valid() and places.is_valid():
        items, forms_by_id = _packages_from(formset, consortium.packages)
        try:
            services.consortium_packages_set(actor=request.user, consortium=consortium,
                                             packages=items, constraints=places.constraints())
        except InputError as exc:
            _apply_package_error(forms_by_id, places, exc)
        else:
            messages.success(request, _("Packages saved and the team re-planned."))
            return redirect("consortia:detail", pk=pk)
    return render(request, "consortia/detail.html",
                  _detail_context(True, consortium, formset, places), status=422)


def _workflow(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    consortium = _access_or_404(request, pk, manage=True)
    try:
        action(actor=request.user, consortium=consortium)
        messages.success(request, done)
    except InputError as exc:
        messages.error(request, refusal(exc))
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
        messages.error(request, refusal(exc))
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
            messages.error(request, refusal(exc))
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
            messages.error(request, refusal(exc))
    return redirect("consortia:invitations")
