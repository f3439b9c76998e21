"""Claim pages: find your firm, manufacturer sign-up, claim a profile, verify its e-mail, my
claims, the coordinator's queue, and claim invitations to a pool of firms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shisaku.accounts.services import LinkProblem
from shisaku.accounts.throttle import link_throttled
from shisaku.claims import pool, selectors, services
from shisaku.claims.choices import OPEN_CLAIM_STATUSES, PoolInvitationStatus
from shisaku.claims.evidence import REGISTRATION_NUMBERS, web_domain
from shisaku.claims.forms import ClaimForm, DecisionForm, FindFirmForm, ManufacturerSignupForm
from shisaku.claims.models import Claim, PoolInvitation
from shisaku.core.roles import roles_of
from shisaku.directory.batches import import_batches_visible_to
from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.models import Manufacturer
from shisaku.errors import InputError

LINK_PROBLEMS = {
    "forged": gettext_lazy("This link is not one we sent (it may be cut short or altered)."),
    "expired": gettext_lazy("This link has expired."),
    "used": gettext_lazy("This link was used already."),
    "closed": gettext_lazy("This claim was decided or withdrawn already."),
    "replaced": gettext_lazy("A newer invitation was sent to this firm; this older link no "
                             "longer works."),
    "bounced": gettext_lazy("Mail to this address bounced, so this invitation was closed."),
}
SKIP_LABELS = {
    pool.SKIP_NO_CONTACT: gettext_lazy("no contact e-mail"),
    pool.SKIP_CLAIMED: gettext_lazy("managed by an organisation already"),
    pool.SKIP_NOT_COVERED: gettext_lazy("outside your region"),
    pool.SKIP_BOUNCED: gettext_lazy("its address bounced before"),
    pool.SKIP_INVITED: gettext_lazy("invited already (resend it from the list)"),
}
POOL_SEND_LIMIT = 500


def _problem_page(request: HttpRequest, problem: LinkProblem, remedy: str) -> HttpResponse:
    return render(request, "accounts/link_problem.html",
                  {"reason": str(LINK_PROBLEMS[problem.code]), "code": problem.code,
                   "remedy": remedy}, status=410)


def _firm_or_404(slug: str) -> Manufacturer:
    return get_object_or_404(Manufacturer.objects.select_related("organisation"), slug=slug)


# --- joining as a manufacturer -----------------------------------------------------------------

@require_GET
def join(request: HttpRequest) -> HttpResponse:
    """Step one of a manufacturer's sign-up: is the firm listed already?"""
    form = FindFirmForm(request.GET or None)
    matches = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        matches = selectors.manufacturers_like(name=data["name"], country=data["country"],
                                               region=data.get("region") or "")
    signup_query = urlencode({k: request.GET.get(k, "") for k in ("name", "country", "region")})
    return render(request, "claims/join.html",
                  {"form": form, "matches": matches, "signup_query": signup_query},
                  status=400 if request.GET and not form.is_valid() else 200)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Manufacturer sign-up: a new firm with its own profile, or (``claim``) a person who will
    claim a listed profile. A new firm is checked against the directory first."""
    initial = {"organisation_name": request.GET.get("name", ""),
               "country": request.GET.get("country", ""), "region": request.GET.get("region", ""),
               "claim": request.GET.get("claim", ""), "via": request.GET.get("via", "")}
    form = ManufacturerSignupForm(request.POST or None, initial=initial)
    claim_slug = (request.POST.get("claim") if request.method == "POST"
                  else initial["claim"]) or ""
    firm = Manufacturer.objects.filter(slug=claim_slug).first() if claim_slug else None
    matches: list[Manufacturer] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not firm:
            matches = selectors.manufacturers_like(name=data["organisation_name"],
                                                   country=data["country"],
                                                   region=data.get("region") or "")
        if matches and not data.get("not_listed"):
            form.add_error("not_listed", _("These directory profiles look like your firm: "
                                           "claim yours instead of creating a second one, or "
                                           "confirm that none of them is your firm."))
        else:
            try:
                services.manufacturer_signup(
                    username=data["username"], email=data["email"], password=data["password1"],
                    organisation_name=data.get("organisation_name") or "",
                    country=data["country"], region=data.get("region") or "",
                    claim_slug=firm.slug if firm else "", via_token=data.get("via") or "",
                    language=get_language() or "")
            except InputError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
            else:
                return redirect("accounts:signup_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/signup.html",
                  {"form": form, "firm": firm, "matches": matches}, status=status)


# --- claiming a profile ----------------------------------------------------------------------

def _invitation_for(token: str, firm: Manufacturer) -> PoolInvitation | LinkProblem | None:
    if not token:
        return None
    invitation = pool.pool_invitation_read(token=token)
    if isinstance(invitation, PoolInvitation) and invitation.manufacturer_id != firm.pk:
        return LinkProblem("forged")
    return invitation


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    firm = _firm_or_404(slug)
    via = request.POST.get("via") if request.method == "POST" else request.GET.get("via", "")
    invitation = _invitation_for(via or "", firm)
    if isinstance(invitation, LinkProblem):
        return _problem_page(request, invitation,
                             _("Ask the coordinator who invited you for a new link, or claim "
                               "the profile with the firm's registration number."))
    here = request.get_full_path()
    others_open = Claim.objects.filter(manufacturer=firm, status__in=OPEN_CLAIM_STATUSES)
    number = REGISTRATION_NUMBERS.get(firm.country)
    context = {"m": firm, "invitation": invitation, "here": here,
               "number_label": number[1] if number else "",
               "web_domain": web_domain(firm.website),
               "others_open": others_open.exists(),
               "managed": firm.organisation_id is not None}
    if not request.user.is_authenticated:
        context["signup_url"] = reverse("claims:signup") + "?" + urlencode(
            {"claim": firm.slug, **({"via": via} if invitation else {}),
             "country": firm.country})
        return render(request, "claims/claim.html", context)
    form = ClaimForm(request.POST or None, initial={"via": via if invitation else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.claim_submit(
                manufacturer=firm, user=request.user,  # type: ignore[arg-type]
                registration_number=data["registration_number"], email=data["email"] or "",
                via_contact_link=isinstance(invitation, PoolInvitation),
                invitation=invitation if isinstance(invitation, PoolInvitation) else None)
        except InputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
        else:
            messages.success(request, _claim_message(result, others=context["others_open"]))
            if result.status == "approved":
                return redirect("directory:edit", pk=firm.pk)
            return redirect("claims:mine")
    context["form"] = form
    return render(request, "claims/claim.html", context,
                  status=400 if request.method == "POST" else 200)


def _claim_message(claim: Claim, *, others: bool) -> str:
    if claim.status == "approved":
        return _("Your claim is approved: you now manage this profile. Check and complete it.")
    parts = []
    if claim.status == "awaiting_email":
        parts.append(_("We sent a link to %(email)s: follow it to verify the address.")
                     % {"email": claim.email})
    else:
        parts.append(_("Your claim waits for a coordinator of the firm's region."))
        if claim.email:
            parts.append(_("We also sent a link to %(email)s to verify it.")
                         % {"email": claim.email})
    if claim.contested:
        parts.append(_("This profile is managed by an organisation already; the coordinator "
                       "will weigh your claim against it."))
    elif others:
        parts.append(_("Another claim on this profile is waiting too; the coordinator sees "
                       "both and decides."))
    return " ".join(parts)


@link_throttled
@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    result = services.claim_email_verify(token=token)
    if isinstance(result, LinkProblem):
        return _problem_page(request, result,
                             _("Open “My profile claims” in your account to send a new link."))
    if result.status == "approved":
        messages.success(request, _("Your e-mail address is verified and your claim approved."))
    else:
        messages.success(request, _("Your e-mail address is verified; a coordinator will "
                                    "decide on your claim."))
    return redirect("claims:mine" if request.user.is_authenticated else "accounts:login")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/mine.html", {"claims": selectors.claims_of(request.user)})


@login_required
@require_POST
def resend_verification(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.claims_of(request.user), pk=pk)
    try:
        services.claim_email_send(claim=item)
    except InputError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": item.email})
    return redirect("claims:mine")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.claims_of(request.user), pk=pk)
    try:
        services.claim_withdraw(claim=item, user=request.user)  # type: ignore[arg-type]
    except InputError as exc:
        messages.error(request, exc.reason)
    return redirect("claims:mine")


# --- the coordinator's queue -----------------------------------------------------------------

def _compact(number: str) -> str:
    return "".join(c for c in (number or "") if c.isalnum()).upper()


def _coordinator_or_404(request: HttpRequest) -> None:
    if not roles_of(request.user).coordinator:
        raise Http404(_("Only coordinators see this page."))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _coordinator_or_404(request)
    claims = list(selectors.claims_queue(request.user))
    groups: dict[int, dict[str, object]] = {}
    for item in claims:
        # Compared with the number an import recorded for the firm (private; reviewers only).
        on_file = _compact(item.manufacturer.registration_number)
        item.number_on_file = on_file  # type: ignore[attr-defined]
        item.number_matches = (  # type: ignore[attr-defined]
            None if not (on_file and item.registration_number)
            else on_file == _compact(item.registration_number))
        group = groups.setdefault(item.manufacturer_id, {"m": item.manufacturer, "claims": []})
        group["claims"].append(item)  # type: ignore[attr-defined]
    return render(request, "claims/queue.html",
                  {"groups": list(groups.values()), "count": len(claims),
                   "decision_form": DecisionForm()})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.claims_reviewable_by(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such claim among those you review."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("claims:queue")
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            services.claim_approve(claim=item, actor=request.user, note=data["note"])
            messages.success(request, _("Claim approved: %(user)s now manages %(firm)s.")
                             % {"user": item.applicant.username, "firm": item.manufacturer.name})
        else:
            services.claim_reject(claim=item, actor=request.user, reason=data["reason"],
                                  note=data["note"])
            messages.success(request, _("Claim rejected."))
    except InputError as exc:
        messages.error(request, exc.reason)
    return redirect("claims:queue")


# --- claim invitations to a pool -------------------------------------------------------------

@link_throttled
@require_GET
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """A firm follows its invitation: record "opened", continue on the claim page."""
    invitation = pool.pool_invitation_read(token=token)
    if isinstance(invitation, LinkProblem):
        return _problem_page(request, invitation,
                             _("Ask the coordinator who invited you for a new link, or claim "
                               "the profile from its directory page."))
    pool.pool_invitation_open(invitation=invitation)
    return redirect(reverse("claims:claim", args=[invitation.manufacturer.slug]) + "?"
                    + urlencode({"via": token}))


def _pool_selection(request: HttpRequest, params: QueryDict) -> tuple[Any, Any, Any]:
    """The firms to invite: those of an import batch (``batch``) or of a directory filter (any
    parameter of the directory list), within the coordinator's coverage. Returns (queryset,
    filter form, batch); the queryset is None when the filter is not valid."""
    invitable = selectors.manufacturers_invitable_by(request.user)
    batch_id = params.get("batch", "")
    if batch_id:
        batch = (import_batches_visible_to(request.user).filter(pk=batch_id).first()
                 if batch_id.isdigit() else None)
        if batch is None:
            raise Http404(_("No such import batch among yours."))
        return invitable.filter(import_batches=batch), None, batch
    form = DirectoryFilter(params)
    if not form.is_valid():
        return None, form, None
    return form.filter(invitable), form, None


@login_required
@require_http_methods(["GET", "POST"])
def pool_send(request: HttpRequest) -> HttpResponse:
    """Preview (GET) and send (POST) claim invitations to the firms of a directory filter or
    of an import batch."""
    _coordinator_or_404(request)
    params = request.GET if request.method == "GET" else request.POST
    selected, form, batch = _pool_selection(request, params)
    if selected is None:
        return render(request, "claims/pool_send.html", {"form": form, "invalid": True},
                      status=400)
    total = selected.count()
    firms = list(selected.select_related("organisation").order_by("name", "id")
                 [:POOL_SEND_LIMIT])
    if request.method == "POST":
        result = pool.pool_invitations_send(manufacturers=firms, actor=request.user)
        messages.success(request, _("%(sent)d invitation(s) sent, %(failed)d failed, "
                                    "%(skipped)d firm(s) skipped.")
                         % {"sent": len(result.sent), "failed": len(result.failed),
                            "skipped": len(result.skipped)})
        return render(request, "claims/pool_sent.html", {
            "result": result,
            "skipped": [(m, SKIP_LABELS[code]) for m, code in result.skipped]})
    with_email = sum(1 for m in firms if m.contact_email and m.organisation_id is None)
    hidden = [(k, v) for k in params for v in params.getlist(k) if k != "csrfmiddlewaretoken"]
    return render(request, "claims/pool_send.html", {
        "form": form, "batch": batch, "firms": firms, "total": total, "with_email": with_email,
        "limit": POOL_SEND_LIMIT, "query": params.urlencode(), "hidden": hidden})


@login_required
@require_GET
def pool_list(request: HttpRequest) -> HttpResponse:
    _coordinator_or_404(request)
    pool.pool_invitations_expire()
    invitations = selectors.pool_invitations_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in PoolInvitationStatus.values:
        invitations = invitations.filter(status=status)
    counts = {s: 0 for s in PoolInvitationStatus.values}
    for value in selectors.pool_invitations_visible_to(request.user).values_list("status",
                                                                                 flat=True):
        counts[value] += 1
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return render(request, "claims/pool.html", {
        "page": page, "status": status,
        "counts": [(s, PoolInvitationStatus(s).label, counts[s])
                   for s in PoolInvitationStatus.values]})


def _invitation_or_404(request: HttpRequest, pk: int) -> PoolInvitation:
    invitation = selectors.pool_invitations_visible_to(request.user).filter(pk=pk).first()
    if invitation is None:
        raise Http404(_("No such invitation among those you manage."))
    return invitation


@login_required
@require_POST
def pool_resend(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator_or_404(request)
    invitation = _invitation_or_404(request, pk)
    try:
        done = pool.pool_invitation_resend(invitation=invitation, actor=request.user)
    except InputError as exc:
        messages.error(request, exc.reason)
    else:
        if done.status == PoolInvitationStatus.FAILED:
            messages.error(request, _("Sending failed: %(error)s") % {"error": done.error})
        else:
            messages.success(request, _("Invitation sent again to %(email)s.")
                             % {"email": done.email})
    return redirect("claims:pool")


@login_required
@require_POST
def pool_resend_all(request: HttpRequest) -> HttpResponse:
    _coordinator_or_404(request)
    pool.pool_invitations_expire()
    sent, failed = pool.pool_invitations_resend_all(
        invitations=selectors.pool_invitations_visible_to(request.user), actor=request.user)
    messages.success(request, _("%(sent)d invitation(s) sent again, %(failed)d failed.")
                     % {"sent": sent, "failed": failed})
    return redirect("claims:pool")


@login_required
@require_POST
def pool_bounce(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator_or_404(request)
    invitation = _invitation_or_404(request, pk)
    try:
        pool.pool_invitation_bounce(invitation=invitation, actor=request.user)
    except InputError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Marked as bounced: %(email)s is not written to again.")
                         % {"email": invitation.email})
    return redirect("claims:pool")
