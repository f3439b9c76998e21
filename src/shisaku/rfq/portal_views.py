"""The link portal: the pages a firm without an account reaches from its personal link (one
invitation, nothing else), and the startup's / coordinator's revoke and re-issue buttons.

Every portal request is rate-limited by client address; a link that does not open answers a
page saying why (forged / revoked: 403, expired / used up: 410) and how to get a new one.
The actions call the same services as a member's pages, with the link's actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shisaku.core.links import LinkRefused, link_rate_limited
from shisaku.errors import InputError
from shisaku.projects import specs
from shisaku.rfq import links, nda, selectors, services
from shisaku.rfq.choices import IllegalTransition, RFQStatus
from shisaku.rfq.forms import DeclineForm, MessageForm, QuoteMetaForm
from shisaku.rfq.models import InvitationLink
from shisaku.rfq.views import field_label


def refused_page(request: HttpRequest, exc: LinkRefused, *, kind: str = "rfq") -> HttpResponse:
    """The page of a link that does not open (shared with the consortium portal)."""
    return render(request, "rfq/link_refused.html", {"reason": exc.reason, "kind": kind,
                                                     **exc.context}, status=exc.status)


def rate_limited_page(request: HttpRequest) -> HttpResponse:
    response = render(request, "rfq/link_refused.html", {"reason": "rate"}, status=429)
    response["Retry-After"] = "60"
    return response


def no_referrer(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The token is in the address of link pages: never send it to another site as a Referer
    ("same-origin", whatever the site-wide policy; not "no-referrer", which makes browsers
    send ``Origin: null`` on the portal's own forms and fail the CSRF origin check)."""
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _portal(view: Callable[[HttpRequest, InvitationLink, str], HttpResponse]
            ) -> Callable[[HttpRequest, str], HttpResponse]:
    """Rate limit, open the link (or say why not), then run ``view``."""
    @no_referrer
    def wrapped(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        if link_rate_limited(request):
            return rate_limited_page(request)
        try:
            link = links.invitation_link_open(token=token)
        except LinkRefused as exc:
            return refused_page(request, exc)
        return view(request, link, token, **kwargs)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _back(token: str) -> HttpResponse:
    return redirect("rfq:portal", token)


def _attempt(request: HttpRequest, token: str, action: Callable[[], Any],
             done: str = "") -> HttpResponse:
    try:
        action()
    except InputError as exc:
        messages.error(request, f"{field_label(exc.field)}: {exc.reason}")
    except IllegalTransition as exc:
        messages.error(request, exc.reason)
        response = _back(token)
        response.status_code = 303
        return response
    else:
        if done:
            messages.success(request, done)
    return _back(token)


@require_GET
@_portal
def portal(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    """The invitation as the firm sees it, with every action it can take."""
    actor = links.link_actor(link)
    inv = services.invitation_view(actor=actor, invitation=link.invitation)
    rfq = inv.rfq
    quotes = list(inv.quotes.prefetch_related("lines__part").order_by("-revision"))
    parts = list(rfq.parts.all())
    labels = {k: f.label for k, f in specs.all_spec_fields().items()}
    for part in parts:
        part.spec_rows = [(labels.get(k, k), v) for k, v in (part.spec or {}).items()]
    last = selectors.live_quote(quotes)
    prices = {(ln.part_id, ln.tier): ln.unit_price for ln in (last.lines.all() if last else [])}
    initial = {"currency": last.currency if last else rfq.project.currency,
               "tooling_cost": last.tooling_cost if last else 0,
               "lead_time_days": last.lead_time_days if last else None,
               "valid_until": last.valid_until if last else None}
    shared = nda.files_shared(inv)
    return render(request, "rfq/portal.html", {
        "token": token, "inv": inv, "rfq": rfq, "firm": inv.manufacturer, "parts": parts,
        "quotes": quotes, "live_quote": last is not None and last.status == "submitted",
        "price_rows": [{"part": p, "cells": [(t, f"price_{p.pk}_{t}", prices.get((p.pk, t), ""))
                                             for t in rfq.quantity_tiers]} for p in parts],
        "files_shared": shared, "nda_accepted": shared and nda.nda_accepted(inv),
        "nda_terms": nda.TERMS, "firm_files": list(nda.invitation_files(inv)),
        "thread": list(inv.messages.select_related("author")),
        "open": rfq.status == RFQStatus.SENT, "claim_path": links.claim_path(inv.manufacturer),
        "quote_form": QuoteMetaForm(initial=initial), "decline_form": DeclineForm(),
        "message_form": MessageForm()})


@require_POST
@_portal
def portal_acknowledge(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    return _attempt(request, token, lambda: services.invitation_acknowledge(
        actor=links.link_actor(link), invitation=link.invitation), _("Acknowledged."))


@require_POST
@_portal
def portal_nda(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    return _attempt(request, token, lambda: nda.nda_accept(actor=links.link_actor(link),
                                                           invitation=link.invitation))


@require_GET
@_portal
def portal_file(request: HttpRequest, link: InvitationLink, token: str,
                file_pk: int) -> FileResponse:
    part_file = nda.invitation_files(link.invitation).filter(pk=file_pk).first()
    if part_file is None:
        raise Http404(_("No such file."))
    return FileResponse(part_file.file.open("rb"), as_attachment=True,
                        filename=part_file.original_name)


@require_POST
@_portal
def portal_quote(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    form = QuoteMetaForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field_label(field, form)}: {' '.join(errors)}")
        return _back(token)
    lines = []
    for key, value in request.POST.items():
        if key.startswith("price_") and value.strip() and key.count("_") == 2:
            _p, part, tier = key.split("_", 2)
            lines.append({"part": part, "tier": tier, "unit_price": value})
    d = form.cleaned_data
    return _attempt(request, token, lambda: services.quote_submit(
        actor=links.link_actor(link), invitation=link.invitation, lines=lines,
        currency=d["currency"], tooling_cost=d["tooling_cost"],
        lead_time_days=d["lead_time_days"], valid_until=d["valid_until"], notes=d["notes"]),
        _("Your quote was sent to the startup."))


@require_POST
@_portal
def portal_withdraw(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    return _attempt(request, token, lambda: services.quote_withdraw(
        actor=links.link_actor(link), invitation=link.invitation))


@require_POST
@_portal
def portal_decline(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    try:
        services.invitation_decline(actor=links.link_actor(link), invitation=link.invitation,
                                    reason=request.POST.get("reason", ""),
                                    note=request.POST.get("note", ""))
    except InputError as exc:
        messages.error(request, f"{field_label(exc.field)}: {exc.reason}")
        return _back(token)
    except IllegalTransition as exc:
        messages.error(request, exc.reason)
        return _back(token)
    # Declined: the invitation is closed and the link used up; say so once, here (with the
    # one-step claim, since the link cannot open the portal any more).
    return render(request, "rfq/link_refused.html", {
        "reason": "declined_now", "firm": link.invitation.manufacturer.name,
        "title": link.invitation.rfq.title,
        "claim_url": links.claim_url_for_link(link.invitation.manufacturer)})


@require_POST
@_portal
def portal_claim(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    """Claim the profile in one step: the claim page, with the proof that this visitor holds a
    link mailed to the firm's contact e-mail."""
    url = links.claim_url_for_link(link.invitation.manufacturer)
    if not url:
        messages.error(request, _("This profile is managed already; it cannot be claimed."))
        return _back(token)
    return redirect(url)


@require_POST
@_portal
def portal_message(request: HttpRequest, link: InvitationLink, token: str) -> HttpResponse:
    return _attempt(request, token, lambda: services.message_post(
        actor=links.link_actor(link), invitation=link.invitation,
        body=request.POST.get("body", ""), from_manufacturer=True,
        upload=request.FILES.get("file")), _("Message sent."))


@require_GET
@_portal
def portal_message_file(request: HttpRequest, link: InvitationLink, token: str,
                        message_pk: int) -> FileResponse:
    msg = link.invitation.messages.filter(pk=message_pk).first()
    if msg is None or not msg.file:
        raise Http404(_("No such file."))
    return FileResponse(msg.file.open("rb"), as_attachment=True,
                        filename=msg.file.name.rsplit("/", 1)[-1])


# --- the startup side: revoke / re-issue ---------------------------------------------------

def _startup_invitation(request: HttpRequest, pk: int) -> Any:
    """The startup's members and the project's coordinator manage an invitation's link."""
    inv = selectors.invitation_for_startup(user=request.user, pk=pk)
    if inv is None:
        raise Http404(_("No such invitation."))
    return inv


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    inv = _startup_invitation(request, pk)
    count = links.invitation_link_revoke(actor=request.user, invitation=inv)
    if count:
        messages.success(request, _("The link is revoked: it no longer opens the invitation."))
    return redirect("rfq:detail", inv.rfq_id)


@login_required
@require_POST
def link_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    inv = _startup_invitation(request, pk)
    try:
        links.invitation_link_issue(actor=request.user, invitation=inv)
    except InputError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("A new link was e-mailed to the firm; the old one no longer "
                                    "opens the invitation."))
    return redirect("rfq:detail", inv.rfq_id)
