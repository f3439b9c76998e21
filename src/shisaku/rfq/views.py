"""RFQ pages: the startup's RFQs (create, invite, watch, compare, export, award), the
manufacturer's inbox (view, acknowledge, ask, quote, decline) (notifications: ``shisaku.notifications``).

Access is decided by ``selectors``: anything a user may not see is a 404. A refused state change
(``IllegalTransition``) shows its reason and answers 409.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shisaku.core import events
from shisaku.core.money import decimal_plain
from shisaku.core.spreadsheets import csv_write, xlsx_append
from shisaku.errors import InputError
from shisaku.projects import specs
from shisaku.projects.choices import Confidentiality, Currency
from shisaku.projects.filetypes import EXTENSIONS, MIME
from shisaku.projects.models import Project
from shisaku.projects.selectors import (
    part_ready_for_rfq,
    project_get,
    project_is_startup_member,
    projects_visible_to,
    startups_of,
)
from shisaku.rfq import links, selectors, services
from shisaku.rfq.candidates import rfq_candidates_split
from shisaku.rfq.choices import IllegalTransition, RFQStatus
from shisaku.rfq.forms import (
    CurrencyRateForm,
    DeclineForm,
    MessageForm,
    QuoteMetaForm,
    RatingForm,
    RFQForm,
)
from shisaku.rfq.models import RFQ, Award, Invitation, Rating
from shisaku.rfq.nda import rfq_sharing


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def _rfq_or_404(request: HttpRequest, pk: int, *, edit: bool = False) -> RFQ:
    rfq = selectors.rfq_for_startup(user=request.user, pk=pk)
    if rfq is None or (edit and not selectors.rfq_is_editor(user=request.user, rfq=rfq)):
        raise Http404(_("No such request for quotation."))
    return rfq


def _firm_invitation_or_404(request: HttpRequest, pk: int) -> Invitation:
    inv = selectors.invitation_for_firm(user=request.user, pk=pk)
    if inv is None:
        raise Http404(_("No such invitation."))
    return inv


# What a refused field is called on the pages (a message never shows a field's code).
FIELD_LABELS = {
    "quantity_tiers": gettext_lazy("Quantities of products to price"),
    "quote_deadline": gettext_lazy("Quote deadline"), "parts": gettext_lazy("Parts"),
    "manufacturers": gettext_lazy("Manufacturers"), "lines": gettext_lazy("Prices"),
    "currency": gettext_lazy("Currency"), "tooling_cost": gettext_lazy("Tooling / NRE"),
    "lead_time_days": gettext_lazy("Lead time (days)"),
    "valid_until": gettext_lazy("Valid until"), "reason": gettext_lazy("Reason"),
    "note": gettext_lazy("Note"), "body": gettext_lazy("Message"), "file": gettext_lazy("File"),
    "quote": gettext_lazy("Quote"), "award": gettext_lazy("Award"),
    "quality": gettext_lazy("Quality"), "on_time": gettext_lazy("On-time delivery"),
    "communication": gettext_lazy("Communication"), "nda": gettext_lazy("NDA"),
}


def field_label(field: str, form: Any = None) -> str:
    """The label of a refused field: the form's own, else the table's (``lines[2].unit_price``
    is "Prices")."""
    if form is not None and field in getattr(form, "fields", {}):
        return str(form.fields[field].label or field)
    base = field.split("[", 1)[0].split(".", 1)[0]
    return str(FIELD_LABELS.get(base, gettext_lazy("Input")))


def _attempt(request: HttpRequest, action: Callable[[], Any], back: str) -> HttpResponse:
    """Run a service call; show its refusal (422 input / 409 state) as a message."""
    try:
        action()
    except InputError as exc:
        messages.error(request, f"{field_label(exc.field)}: {exc.reason}")
    except IllegalTransition as exc:
        messages.error(request, exc.reason)
        response = redirect(back)
        response.status_code = 303
        return response
    return redirect(back)


# --- startup side -------------------------------------------------------------------------

@login_required
@require_GET
def rfq_list(request: HttpRequest) -> HttpResponse:
    rfqs = selectors.rfqs_visible_to(request.user).prefetch_related("invitations")
    projects = [p for p in projects_visible_to(request.user).select_related("organisation")
                if project_is_startup_member(user=request.user, project=p)]
    return render(request, "rfq/list.html", {
        "rfqs": rfqs, "projects": projects,
        "is_manufacturer": selectors.manufacturers_of(request.user).exists()})


def _project_for_editor(request: HttpRequest, project_pk: int) -> Project:
    project = project_get(user=request.user, pk=project_pk)
    if project is None or not project_is_startup_member(user=request.user, project=project):
        raise Http404(_("No such project among the projects you may see."))
    return project


@login_required
@require_http_methods(["GET", "POST"])
def rfq_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project_for_editor(request, project_pk)
    parts = list(project.parts.prefetch_related("files"))
    ready = [p for p in parts if part_ready_for_rfq(p)]
    tiers = selectors.default_tiers(project)
    form = RFQForm(request.POST or None, part_choices=[(p.pk, p.name) for p in ready],
                   initial={"parts": [p.pk for p in ready],
                            "quantity_tiers": ", ".join(str(t) for t in tiers),
                            "quote_deadline": timezone.localtime() + timezone.timedelta(days=7)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rfq = services.rfq_create(
                actor=request.user, project=project, part_ids=d["parts"],
                quantity_tiers=form.tiers(), quote_deadline=d["quote_deadline"],
                title=d["title"], sealed=d["sealed"], auto_invite_next=d["auto_invite_next"],
                notes=d["notes"])
        except InputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
        else:
            chosen = _chosen_firm(request.GET.get("manufacturer", ""))
            if chosen is not None:
                return redirect(f"{reverse('rfq:detail', args=[rfq.pk])}?invite={chosen.pk}")
            return redirect("rfq:detail", rfq.pk)
    return render(request, "rfq/create.html", {
        "project": project, "form": form, "tiers": tiers,
        "pieces": selectors.pieces_per_tier(ready, tiers),
        "chosen": _chosen_firm(request.GET.get("manufacturer", "")),
        "not_ready": [p for p in parts if p not in ready]},
        status=422 if form.errors else 200)


@login_required
@require_GET
def rfq_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = _rfq_or_404(request, pk)
    editor = selectors.rfq_is_editor(user=request.user, rfq=rfq)
    candidates: list[Any] = []
    unreachable: list[Any] = []
    relax: list[dict[str, Any]] = []
    chosen: Any = None
    if rfq.status == RFQStatus.DRAFT and editor:
        candidates, unreachable = rfq_candidates_split(rfq=rfq, limit=10)
        if not candidates:
            relax = _relaxations(rfq)
        chosen = _chosen_firm(request.GET.get("invite", ""))
        if chosen is not None:
            # The firm the startup came from ("Request a quote" on its profile) comes first.
            candidates = [(chosen, None), *[(f, s) for f, s in candidates if f.pk != chosen.pk]]
    now = timezone.now()
    invitations = list(rfq.invitations.select_related("manufacturer").prefetch_related(
        "quotes", "links"))
    reach = links.reachability([f for f, _s in candidates] + [i.manufacturer for i in invitations])
    awards = list(Award.objects.filter(rfq=rfq).select_related(
        "part", "quote__invitation__manufacturer"))
    ratings = {r.award_id: r for r in Rating.objects.filter(award__in=awards)}
    return render(request, "rfq/detail.html", {
        "awards": [{"award": a, "rating": ratings.get(a.pk),
                    "rating_refusal": next((r for r in events.publish(
                        events.RATING_REFUSAL, award=a) if r), None),
                    "links": [link for found in events.publish(events.AWARD_LINKS, award=a)
                              for link in found]} for a in awards],
        "rating_form": RatingForm() if editor else None,
        "rfq": rfq, "editor": editor, "parts": list(rfq.parts.all()),
        "invitations": invitations, "reach": reach, "unreachable": unreachable,
        "candidates": [(f, score, reach.get(f.pk, "")) for f, score in candidates],
        "window_url": _window_url(request, rfq),
        "preselected": services.DEFAULT_INVITES, "now": now, "chosen": chosen,
        "relaxations": relax,
        "sharing": rfq_sharing(rfq) if editor and rfq.status == RFQStatus.DRAFT else None,
        "sealed": selectors.sealed_now(rfq, now)})


def _relaxations(rfq: RFQ) -> list[dict[str, Any]]:
    """No match for the parts: how many firms each requirement leaves out (the first entry
    names the one that empties the list)."""
    from shisaku.directory.adapters import match
    from shisaku.directory.matching import relaxations

    return relaxations(services.rfq_requirement(rfq), lambda req: match(req, top_k=0).eligible)


def _chosen_firm(value: str) -> Any:
    from shisaku.directory.selectors import manufacturers_public

    return manufacturers_public().filter(pk=int(value)).first() if value.isdigit() else None


@login_required
@require_POST
def rfq_sharing_set(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from the RFQ page: share the project's part files with invited firms after
    an NDA, or keep them private (the project's confidentiality)."""
    from shisaku.projects.services import project_update

    rfq = _rfq_or_404(request, pk, edit=True)
    value = request.POST.get("confidentiality", "")
    if value not in Confidentiality.values:
        messages.error(request, _("Choose whether to share the files."))
        return redirect("rfq:detail", rfq.pk)
    project_update(actor=request.user, project=rfq.project, data={"confidentiality": value})
    messages.success(request, _("Invited firms will see the part files after accepting the NDA.")
                     if value == Confidentiality.INVITED else
                     _("Part files stay private: invited firms see the specification only."))
    return redirect("rfq:detail", rfq.pk)


@login_required
@require_GET
def rfq_request_firm(request: HttpRequest, manufacturer_pk: int) -> HttpResponse:
    """"Request a quote" from a profile: pick the project (or start one); the RFQ then opens
    with this firm chosen. Anonymous visitors are sent to log in (or sign up) and back."""
    firm = _chosen_firm(str(manufacturer_pk))
    if firm is None:
        raise Http404(_("No such manufacturer."))
    projects = [p for p in projects_visible_to(request.user)
                if project_is_startup_member(user=request.user, project=p)]
    is_startup = startups_of(request.user).exists()
    return render(request, "rfq/request_firm.html", {
        "firm": firm, "projects": projects, "is_startup": is_startup,
        "reachable": firm.organisation_id is not None
        and firm.organisation.memberships.exists()})


def _window_url(request: HttpRequest, rfq: RFQ) -> str:
    """Where a startup asks the coordinator to reach the firms nobody can reach on Shisaku."""
    from django.urls import reverse

    return reverse("consortia:send", args=[rfq.project_id])


@login_required
@require_POST
def rfq_send(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = _rfq_or_404(request, pk, edit=True)
    ids = [int(i) for i in request.POST.getlist("manufacturers") if i.isdigit()]
    return _attempt(request, lambda: services.rfq_send(actor=request.user, rfq=rfq,
                                                       manufacturer_ids=ids),
                    f"/rfqs/{rfq.pk}/")


def _comparison(request: HttpRequest, rfq: RFQ) -> dict[str, Any]:
    raw_q = request.GET.get("quantity", "")
    quantity = int(raw_q) if raw_q.isdigit() and 0 < int(raw_q) <= 10**8 else None
    currency = request.GET.get("currency", "")
    if currency not in Currency.values:
        currency = ""
    return selectors.comparison(user=request.user, rfq=rfq, quantity=quantity,
                                currency=currency)


@login_required
@require_GET
def rfq_compare(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = _rfq_or_404(request, pk)
    data = _comparison(request, rfq)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx") and not data["sealed"]:
        return _export(rfq, data, fmt)
    awarded_parts = set(Award.objects.filter(rfq=rfq).values_list("part_id", flat=True))
    data.update(editor=selectors.rfq_is_editor(user=request.user, rfq=rfq),
                open_parts=[p for p in data["parts"] if p.pk not in awarded_parts
                            and None not in awarded_parts],
                partly_awarded=bool(awarded_parts),
                currencies=Currency.values,
                can_award=rfq.status in (RFQStatus.SENT, RFQStatus.CLOSED))
    template = "rfq/_compare_table.html" if _is_htmx(request) else "rfq/compare.html"
    return render(request, template, data)


def _export(rfq: RFQ, data: dict[str, Any], fmt: str) -> HttpResponse:
    header, rows = selectors.comparison_table(data)
    name = f"rfq-{rfq.pk}-comparison"
    if fmt == "csv":
        buf = io.StringIO()
        csv_write(buf, header, rows)
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "comparison"
    xlsx_append(ws, header)
    for row in rows:
        xlsx_append(ws, row)
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@require_POST
def rfq_award(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = _rfq_or_404(request, pk, edit=True)
    raw = request.POST.get("quote", "")
    quote_id = int(raw) if raw.isdigit() else 0
    parts = [int(p) for p in request.POST.getlist("parts") if p.isdigit()]
    try:
        services.award_create(actor=request.user, rfq=rfq, quote_id=quote_id,
                              part_ids=parts or None, note=request.POST.get("note", ""))
    except InputError as exc:
        messages.error(request, exc.reason)
    except IllegalTransition as exc:
        messages.error(request, exc.reason)
    else:
        rfq.refresh_from_db()
        messages.success(request, _("Awarded. The other manufacturers have been told.")
                         if rfq.status == RFQStatus.AWARDED else _("Awarded."))
    return redirect("rfq:detail", rfq.pk)


@login_required
@require_POST
def rfq_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = _rfq_or_404(request, pk, edit=True)
    return _attempt(request, lambda: services.rfq_cancel(
        actor=request.user, rfq=rfq, reason=request.POST.get("reason", "")),
        f"/rfqs/{rfq.pk}/")


@login_required
@require_POST
def rfq_rate(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = _rfq_or_404(request, pk, edit=True)
    form = RatingForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field_label(field, form)}: {' '.join(errors)}")
        return redirect("rfq:detail", rfq.pk)
    d = form.cleaned_data
    raw = request.POST.get("award", "")
    return _attempt(request, lambda: services.rating_create(
        actor=request.user, rfq=rfq, quality=d["quality"], on_time=d["on_time"],
        communication=d["communication"], comment=d["comment"],
        award_id=int(raw) if raw.isdigit() else None), f"/rfqs/{rfq.pk}/")


# --- invitations (both sides) -------------------------------------------------------------

@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    invitations = list(selectors.inbox_of(request.user))
    return render(request, "rfq/inbox.html", {"invitations": invitations})


def _side(request: HttpRequest, pk: int) -> tuple[Invitation, str]:
    inv = selectors.invitation_for_firm(user=request.user, pk=pk)
    if inv is not None:
        return inv, "firm"
    inv = selectors.invitation_for_startup(user=request.user, pk=pk)
    if inv is not None:
        return inv, "startup"
    raise Http404(_("No such invitation."))


@login_required
@require_GET
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inv, side = _side(request, pk)
    if side == "firm":
        inv = services.invitation_view(actor=request.user, invitation=inv)
    rfq = inv.rfq
    quotes = list(selectors.quotes_visible(user=request.user, rfq=rfq)
                  .filter(invitation=inv).order_by("-revision"))
    parts = list(rfq.parts.all())
    for part in parts:
        part.spec_rows = specs.spec_rows(part.spec)
    editor = side == "firm" or selectors.rfq_is_editor(user=request.user, rfq=rfq)
    last = selectors.live_quote(quotes)
    prices = {(ln.part_id, ln.tier): ln.unit_price for ln in (last.lines.all() if last else [])}
    price_rows = [{"part": p, "cells": [(t, f"price_{p.pk}_{t}", prices.get((p.pk, t), ""))
                                        for t in rfq.quantity_tiers]} for p in parts]
    initial = {"currency": last.currency if last else rfq.project.currency,
               "tooling_cost": decimal_plain(last.tooling_cost) if last else 0,
               "lead_time_days": last.lead_time_days if last else None,
               "valid_until": last.valid_until if last else None}
    from shisaku.rfq import nda

    shared = nda.files_shared(inv)
    accepted = shared and nda.nda_accepted(inv)
    closed = selectors.firm_files_closed_reason(inv)
    return render(request, "rfq/invitation.html", {
        "files_shared": shared, "nda_accepted": accepted, "nda_terms": nda.TERMS,
        "files_closed": nda.CLOSED_REASONS[closed] if closed else "",
        "firm_files": list(nda.invitation_files(inv)) if side == "firm" else [],
        "inv": inv, "rfq": rfq, "side": side, "parts": parts, "quotes": quotes,
        "live_quote": last is not None and last.status == "submitted",
        "price_rows": price_rows, "thread": list(inv.messages.select_related("author")),
        "can_write": editor, "open": rfq.status == RFQStatus.SENT,
        "quote_form": QuoteMetaForm(initial=initial), "decline_form": DeclineForm(),
        "message_form": MessageForm()})


@login_required
@require_POST
def invitation_nda(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited firm accepts the confidentiality terms to see the part files."""
    from shisaku.rfq import nda

    inv = _firm_invitation_or_404(request, pk)
    return _attempt(request, lambda: nda.nda_accept(actor=request.user, invitation=inv),
                    f"/rfqs/invitations/{inv.pk}/")


@login_required
@require_GET
def invitation_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A part file for the invited firm (after its NDA); 404 for anyone else."""
    from shisaku.rfq import nda

    inv = _firm_invitation_or_404(request, pk)
    part_file = nda.invitation_files(inv).filter(pk=file_pk).first()
    if part_file is None:
        raise Http404(_("No such file."))
    return FileResponse(part_file.file.open("rb"), as_attachment=True,
                        filename=part_file.original_name,
                        content_type=MIME.get(part_file.detected_type,
                                              "application/octet-stream"))


@login_required
@require_POST
def invitation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    inv = _firm_invitation_or_404(request, pk)
    return _attempt(request, lambda: services.invitation_acknowledge(actor=request.user,
                                                                     invitation=inv),
                    f"/rfqs/invitations/{inv.pk}/")


@login_required
@require_POST
def invitation_quote(request: HttpRequest, pk: int) -> HttpResponse:
    inv = _firm_invitation_or_404(request, pk)
    form = QuoteMetaForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field_label(field, form)}: {' '.join(errors)}")
        return redirect("rfq:invitation", inv.pk)
    lines = []
    for key, value in request.POST.items():
        if key.startswith("price_") and value.strip():
            _p, part, tier = key.split("_", 2)
            lines.append({"part": part, "tier": tier, "unit_price": value})
    d = form.cleaned_data
    return _attempt(request, lambda: services.quote_submit(
        actor=request.user, invitation=inv, lines=lines, currency=d["currency"],
        tooling_cost=d["tooling_cost"], lead_time_days=d["lead_time_days"],
        valid_until=d["valid_until"], notes=d["notes"]), f"/rfqs/invitations/{inv.pk}/")


@login_required
@require_POST
def quote_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    inv = _firm_invitation_or_404(request, pk)
    return _attempt(request, lambda: services.quote_withdraw(actor=request.user,
                                                             invitation=inv),
                    f"/rfqs/invitations/{inv.pk}/")


@login_required
@require_POST
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    inv = _firm_invitation_or_404(request, pk)
    form = DeclineForm(request.POST)
    reason = form.data.get("reason", "")
    return _attempt(request, lambda: services.invitation_decline(
        actor=request.user, invitation=inv, reason=reason, note=form.data.get("note", "")),
        f"/rfqs/invitations/{inv.pk}/")


@login_required
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    inv, side = _side(request, pk)
    if side == "startup" and not selectors.rfq_is_editor(user=request.user, rfq=inv.rfq):
        raise Http404(_("No such invitation."))
    return _attempt(request, lambda: services.message_post(
        actor=request.user, invitation=inv, body=request.POST.get("body", ""),
        from_manufacturer=side == "firm", upload=request.FILES.get("file")),
        f"/rfqs/invitations/{inv.pk}/")


@login_required
@require_GET
def message_file(request: HttpRequest, pk: int) -> FileResponse:
    msg = selectors.message_with_file(user=request.user, pk=pk)
    if msg is None:
        raise Http404(_("No such file."))
    stored = msg.file.name.rsplit("/", 1)[-1]
    detected = EXTENSIONS.get("." + stored.rsplit(".", 1)[-1].lower(), "")
    return FileResponse(msg.file.open("rb"), as_attachment=True,
                        filename=msg.file_name or stored,
                        content_type=MIME.get(detected, "application/octet-stream"))



# --- currency rates (coordinators) -------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest) -> HttpResponse:
    editor = selectors.rates_editable_by(request.user)
    form = CurrencyRateForm(request.POST or None,
                            initial={"as_of": timezone.localdate()}) if editor else None
    if request.method == "POST":
        if not editor:
            raise PermissionDenied(_("Only coordinators keep the currency rates."))
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.currency_rate_set(actor=request.user, currency=d["currency"],
                                           as_of=d["as_of"], units_per_usd=d["units_per_usd"],
                                           source=d["source"])
            except InputError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
            else:
                messages.success(request, _("Rate saved."))
                return redirect("rfq:rates")
    history = [{"row": r, "units_per_usd": (1 / r.rate_to_usd) if r.rate_to_usd else None}
               for r in selectors.rates_history()]
    return render(request, "rfq/rates.html", {"form": form, "history": history,
                                              "editor": editor},
                  status=422 if form is not None and form.errors else 200)
