"""Sign-up (with a confirmation link), login (throttled by django-axes), logout, password
reset, and the team page. Views parse, call a service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shisaku.accounts import selectors, services
from shisaku.accounts.choices import OrganisationKind
from shisaku.accounts.forms import InvitedSignupForm, LoginForm, SignupForm, TeamInviteForm
from shisaku.accounts.models import Membership, TeamInvitation
from shisaku.accounts.throttle import link_throttled
from shisaku.errors import InputError

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.GET.get("kind") == OrganisationKind.MANUFACTURER:
        # Manufacturers first look for their firm in the directory (claims app).
        return redirect("claims:join")
    form = SignupForm(request.POST or None, initial={"organisation_kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["organisation_kind"] == OrganisationKind.MANUFACTURER:
            # Look for the firm in the directory first, with what was typed.
            return redirect(reverse("claims:join") + "?" + urlencode(
                {"name": data["organisation_name"], "country": data["country"]}))
        try:
            services.user_signup(username=data["username"], email=data["email"],
                                 password=data["password1"],
                                 organisation_name=data["organisation_name"],
                                 organisation_kind=data["organisation_kind"],
                                 country=data["country"], language=get_language() or "",
                                 # back to where the visitor was going once confirmed
                                 next_url=_safe_next(request, request.POST.get("next")
                                                     or request.GET.get("next")))
        except InputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
        else:
            return redirect("accounts:signup_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html",
                  {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
                  status=status)


def signup_sent(request: HttpRequest) -> HttpResponse:
    """The same answer whether the address was new or registered already."""
    return render(request, "accounts/signup_sent.html")


@link_throttled
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = services.signup_confirm(uidb64=uidb64, token=token)
    except InputError as exc:
        return render(request, "accounts/link_problem.html", {"reason": exc.reason}, status=410)
    login(request, user, backend=_BACKEND)
    messages.success(request, _("Your e-mail address is confirmed. Welcome to Shisaku."))
    return redirect(_safe_next(request, request.GET.get("next")) or "accounts:account")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related(  # type: ignore[union-attr]
        "organisation", "organisation__manufacturer")
    return render(request, "accounts/account.html", {"memberships": memberships})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


# --- team ------------------------------------------------------------------------------------

@login_required
def team(request: HttpRequest) -> HttpResponse:
    """Every organisation of the user with its members; admins manage them here."""
    groups = []
    for ms in selectors.memberships_of(request.user):
        org = ms.organisation
        is_admin = ms.role == "owner"
        members = list(selectors.team_of(organisation=org))
        groups.append({
            "organisation": org, "me": ms, "is_admin": is_admin, "members": members,
            # The last admin is offered neither "make member" nor "leave" (refused anyway).
            "sole_admin": sum(1 for m in members if m.role == "owner") == 1,
            "pending": selectors.team_invitations_pending(organisation=org) if is_admin else [],
            "form": TeamInviteForm(prefix=f"org{org.pk}") if is_admin else None,
        })
    return render(request, "accounts/team.html", {"groups": groups})


def _org_or_404(request: HttpRequest, pk: int) -> object:
    org = selectors.organisation_of_member(user=request.user, pk=pk)
    if org is None:
        raise Http404(_("No such organisation among yours."))
    return org


@login_required
@require_POST
def team_invite(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org_or_404(request, pk)
    form = TeamInviteForm(request.POST, prefix=f"org{pk}")
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: "
                                    f"{' '.join(errors)}")
        return redirect("accounts:team")
    try:
        services.team_invite(organisation=org, actor=request.user,  # type: ignore[arg-type]
                             email=form.cleaned_data["email"], role=form.cleaned_data["role"])
    except PermissionError:
        raise Http404(_("Only an admin of the organisation invites colleagues.")) from None
    except InputError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Invitation sent to %(email)s.")
                         % {"email": form.cleaned_data["email"]})
    return redirect("accounts:team")


def _membership_or_404(request: HttpRequest, pk: int) -> Membership:
    ms = (Membership.objects.select_related("organisation", "user")
          .filter(pk=pk, organisation__memberships__user=request.user).first())
    if ms is None:
        raise Http404(_("No such member in your organisations."))
    return ms


@login_required
@require_POST
def team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    ms = _membership_or_404(request, pk)
    try:
        services.membership_remove(membership=ms, actor=request.user)  # type: ignore[arg-type]
    except PermissionError:
        raise Http404(_("Only an admin of the organisation removes members.")) from None
    except InputError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("%(user)s no longer belongs to %(org)s.")
                         % {"user": ms.user.username, "org": ms.organisation.name})
    return redirect("accounts:team")


@login_required
@require_POST
def team_role(request: HttpRequest, pk: int) -> HttpResponse:
    ms = _membership_or_404(request, pk)
    try:
        services.membership_role_set(membership=ms, role=request.POST.get("role", ""),
                                     actor=request.user)  # type: ignore[arg-type]
    except PermissionError:
        raise Http404(_("Only an admin of the organisation changes roles.")) from None
    except InputError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Role changed."))
    return redirect("accounts:team")


@login_required
@require_POST
def team_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = TeamInvitation.objects.filter(
        pk=pk, organisation__in=selectors.organisations_administered_by(request.user)).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    try:
        services.team_invitation_revoke(invitation=invitation,
                                        actor=request.user)  # type: ignore[arg-type]
    except InputError as exc:
        messages.error(request, exc.reason)
    return redirect("accounts:team")


LINK_PROBLEMS = {
    "forged": gettext_lazy("This link is not one we sent (it may be cut short or altered)."),
    "expired": gettext_lazy("This link has expired."),
    "used": gettext_lazy("This link was used already."),
    "revoked": gettext_lazy("This invitation was withdrawn by the organisation."),
}


@link_throttled
@require_http_methods(["GET", "POST"])
def team_join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.team_invitation_read(token=token)
    if isinstance(invitation, services.LinkProblem):
        return render(request, "accounts/link_problem.html", {
            "reason": str(LINK_PROBLEMS[invitation.code]), "code": invitation.code,
            "remedy": _("Ask an admin of the organisation to invite you again.")}, status=410)
    here = reverse("accounts:team_join", args=[token])
    if request.user.is_authenticated:
        if request.method == "POST":
            services.team_invitation_accept(invitation=invitation,
                                            user=request.user)  # type: ignore[arg-type]
            messages.success(request, _("You joined %(org)s.")
                             % {"org": invitation.organisation.name})
            return redirect("accounts:team")
        return render(request, "accounts/team_join.html", {"invitation": invitation})
    form = InvitedSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup_invited(invitation=invitation,
                                                username=form.cleaned_data["username"],
                                                password=form.cleaned_data["password1"],
                                                language=get_language() or "")
        except InputError as exc:
            form.add_error(None, exc.reason)
        else:
            login(request, user, backend=_BACKEND)
            messages.success(request, _("You joined %(org)s.")
                             % {"org": invitation.organisation.name})
            return redirect("accounts:team")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/team_join.html",
                  {"invitation": invitation, "form": form, "here": here}, status=status)
