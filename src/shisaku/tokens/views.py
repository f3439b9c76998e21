"""The API token page: a user's tokens and those of the organisations they administer;
create (the token is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shisaku.accounts.choices import MembershipRole
from shisaku.accounts.models import Organisation
from shisaku.errors import InputError
from shisaku.tokens import services
from shisaku.tokens.choices import TokenScope
from shisaku.tokens.models import ApiToken


def _admin_orgs(user: object) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__user=user,
                                            memberships__role=MembershipRole.OWNER))


def _visible(user: object) -> list[ApiToken]:
    return list(ApiToken.objects.filter(Q(user=user) | Q(organisation__in=_admin_orgs(user)))
                .select_related("organisation", "user").distinct())


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    created = None
    errors: dict[str, str] = {}
    orgs = _admin_orgs(request.user)
    if request.method == "POST":
        org_id = request.POST.get("organisation", "")
        org = next((o for o in orgs if str(o.pk) == org_id), None)
        if org_id and org is None:
            errors["organisation"] = _("choose one of your organisations")
        else:
            try:
                _token, created = services.token_create(
                    actor=request.user, name=request.POST.get("name", ""),
                    scope=request.POST.get("scope", ""), organisation=org)
            except InputError as exc:
                errors[exc.field] = exc.reason
    response = render(request, "tokens/list.html", {
        "tokens": _visible(request.user), "created": created, "errors": errors,
        "scopes": TokenScope.choices, "organisations": orgs})
    if errors:
        response.status_code = 422
    # The new token is shown once: never cached by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = next((t for t in _visible(request.user) if t.pk == pk), None)
    if token is None:
        raise Http404(_("No such token."))
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("tokens:list")
