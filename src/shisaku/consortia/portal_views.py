"""The consortium link portal: a firm without an account accepts or declines the work it is
invited to (one consortium, its own slots, nothing else), and the coordinator's revoke and
re-issue buttons. Refusals and the rate limit as in the RFQ portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shisaku.consortia import links, selectors, services
from shisaku.consortia.choices import LEAD, MemberState
from shisaku.consortia.models import Consortium
from shisaku.core.links import LinkRefused, link_rate_limited
from shisaku.core.refusals import refusal
from shisaku.directory.models import Manufacturer
from shisaku.errors import InputError
from shisaku.rfq.links import claim_path, claim_url_for_link
from shisaku.rfq.portal_views import no_referrer, rate_limited_page, refused_page


@require_GET
@no_referrer
def portal(request: HttpRequest, token: str) -> HttpResponse:
    if link_rate_limited(request):
        return rate_limited_page(request)
    try:
        link = links.member_link_open(token=token)
    except LinkRefused as exc:
        return refused_page(request, exc, kind="consortium")
    consortium = link.consortium
    names = consortium.package_names()
    packages = {str(p.get("id")): p for p in consortium.packages}
    slots = []
    for member in links.slots_of(consortium, link.manufacturer_id):
        package = packages.get(member.package_id, {})
        slots.append({"member": member, "lead": member.package_id == LEAD,
                      "name": _("Lead (integrator)") if member.package_id == LEAD
                      else names.get(member.package_id, member.package_id),
                      "processes": package.get("processes", []),
                      "quantity": package.get("quantity")})
    return render(request, "consortia/portal.html", {
        "token": token, "consortium": consortium, "firm": link.manufacturer, "slots": slots,
        "can_answer": any(s["member"].state == MemberState.INVITED for s in slots),
        "claim_path": claim_path(link.manufacturer)})


@require_POST
@no_referrer
def portal_respond(request: HttpRequest, token: str) -> HttpResponse:
    if link_rate_limited(request):
        return rate_limited_page(request)
    try:
        link = links.member_link_open(token=token, for_answer=True)
    except LinkRefused as exc:
        return refused_page(request, exc, kind="consortium")
    answer = request.POST.get("answer", "")
    slots = links.slots_of(link.consortium, link.manufacturer_id)
    try:
        services.member_respond(actor=links.link_actor(link), member=slots[0], answer=answer)
    except InputError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Answer sent. Thank you."))
    if answer == "decline":  # the firm's slots are released: the link no longer opens them
        return render(request, "rfq/link_refused.html", {
            "reason": "declined_now", "firm": link.manufacturer.name,
            "title": link.consortium.project.title,
            "claim_url": claim_url_for_link(link.manufacturer)})
    return redirect("consortia:portal", token)


@require_POST
@no_referrer
def portal_claim(request: HttpRequest, token: str) -> HttpResponse:
    """Claim the profile in one step (see ``rfq.portal_views.portal_claim``)."""
    if link_rate_limited(request):
        return rate_limited_page(request)
    try:
        link = links.member_link_open(token=token)
    except LinkRefused as exc:
        return refused_page(request, exc, kind="consortium")
    url = claim_url_for_link(link.manufacturer)
    if not url:
        messages.error(request, _("This profile is managed already; it cannot be claimed."))
        return redirect("consortia:portal", token)
    return redirect(url)


def _firm_or_404(request: HttpRequest, pk: int,
                 manufacturer_pk: int) -> tuple[Consortium, Manufacturer]:
    access = selectors.consortium_access(user=request.user, pk=pk)
    if access is None or not access.manage:
        raise Http404(_("No such consortium."))
    firm = Manufacturer.objects.filter(
        pk=manufacturer_pk, consortium_memberships__consortium=access.consortium).first()
    if firm is None:
        raise Http404(_("No such member."))
    return access.consortium, firm


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, manufacturer_pk: int) -> HttpResponse:
    consortium, firm = _firm_or_404(request, pk, manufacturer_pk)
    if links.member_link_revoke(actor=request.user, consortium=consortium,
                                manufacturer_id=firm.pk):
        messages.success(request, _("The link is revoked: it no longer opens the invitation."))
    return redirect("consortia:detail", pk=pk)


@login_required
@require_POST
def link_reissue(request: HttpRequest, pk: int, manufacturer_pk: int) -> HttpResponse:
    consortium, firm = _firm_or_404(request, pk, manufacturer_pk)
    try:
        links.member_link_issue(actor=request.user, consortium=consortium, manufacturer=firm)
    except InputError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("A new link was e-mailed to the firm; the old one no longer "
                                    "opens the invitation."))
    return redirect("consortia:detail", pk=pk)
