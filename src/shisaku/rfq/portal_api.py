"""`/api/v1/portal/invitation`: the link portal over the API, for a firm without an account.

Authenticated by the personal link's token alone (``Authorization: Bearer <token>``, the part
of the e-mailed address after ``/rfqs/link/``); it opens that one invitation. A forged or
revoked token answers 403, an expired or used-up one 410, each with the reason and what to do
(``{"detail": [{"field": "link", "reason": ...}], "link": "forged|revoked|expired|used"}``);
nothing changes. Rate-limited by client address (429).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Status
from ninja.errors import HttpError

from shisaku.core.links import FORGED, LinkRefused, link_rate_limited
from shisaku.rfq import links, nda, services
from shisaku.rfq.api import (
    _ERRORS,
    _guarded,
    _inbox_out,
    _invitation_out,
    _message_out,
    _quote_out,
)
from shisaku.rfq.models import InvitationLink
from shisaku.rfq.schemas import (
    DeclineIn,
    ErrorOut,
    InboxItemOut,
    InvitationOut,
    MessageIn,
    MessageOut,
    QuoteIn,
    QuoteOut,
)

__all__ = ["router", "token_of"]

router = Router(tags=["link portal"])
_REFUSED: dict[int, Any] = {403: ErrorOut, 410: ErrorOut, 429: ErrorOut}


def token_of(request: HttpRequest) -> str:
    """The token of ``Authorization: Bearer <token>``; refused as forged when missing."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise LinkRefused(FORGED, "give the link's token: Authorization: Bearer <token>")
    return token.strip()


def _link(request: HttpRequest) -> InvitationLink:
    if link_rate_limited(request):
        raise HttpError(429, gettext("too many requests: wait a minute"))
    return links.invitation_link_open(token=token_of(request))


@router.get("/invitation", response={200: InboxItemOut, **_REFUSED},
            summary="The invitation your link opens (marks it viewed)")
def invitation(request: HttpRequest) -> Any:
    link = _link(request)
    inv = services.invitation_view(actor=links.link_actor(link), invitation=link.invitation)
    return _inbox_out(inv)


@router.post("/invitation/acknowledge", response={200: InvitationOut, **_ERRORS, **_REFUSED})
def acknowledge(request: HttpRequest) -> Status[Any]:
    link = _link(request)
    return _guarded(lambda: (200, _invitation_out(services.invitation_acknowledge(
        actor=links.link_actor(link), invitation=link.invitation))))


@router.post("/invitation/nda", response={200: InvitationOut, **_ERRORS, **_REFUSED},
             summary="Accept the confidentiality terms to download the part files")
def accept_nda(request: HttpRequest) -> Status[Any]:
    link = _link(request)
    nda.nda_accept(actor=links.link_actor(link), invitation=link.invitation)
    return Status(200, _invitation_out(link.invitation))


@router.post("/invitation/decline", response={200: InvitationOut, **_ERRORS, **_REFUSED})
def decline(request: HttpRequest, payload: DeclineIn) -> Status[Any]:
    link = _link(request)
    return _guarded(lambda: (200, _invitation_out(services.invitation_decline(
        actor=links.link_actor(link), invitation=link.invitation, reason=payload.reason,
        note=payload.note))))


@router.get("/invitation/quotes", response={200: list[QuoteOut], **_REFUSED})
def quotes(request: HttpRequest) -> Any:
    link = _link(request)
    return [_quote_out(q) for q in link.invitation.quotes.prefetch_related("lines")
            .order_by("-revision")]


@router.post("/invitation/quotes", response={201: QuoteOut, **_ERRORS, **_REFUSED},
             summary="Quote or revise: every tier of every part, tooling, lead time, validity")
def submit_quote(request: HttpRequest, payload: QuoteIn) -> Status[Any]:
    link = _link(request)
    return _guarded(lambda: (201, _quote_out(services.quote_submit(
        actor=links.link_actor(link), invitation=link.invitation,
        lines=[ln.dict() for ln in payload.lines], currency=payload.currency,
        lead_time_days=payload.lead_time_days, valid_until=payload.valid_until,
        tooling_cost=payload.tooling_cost, notes=payload.notes))))


@router.get("/invitation/messages", response={200: list[MessageOut], **_REFUSED})
def messages(request: HttpRequest) -> Any:
    link = _link(request)
    return [_message_out(m) for m in link.invitation.messages.select_related("author")]


@router.post("/invitation/messages", response={201: MessageOut, **_ERRORS, **_REFUSED})
def message_post(request: HttpRequest, payload: MessageIn) -> Status[Any]:
    link = _link(request)
    return _guarded(lambda: (201, _message_out(services.message_post(
        actor=links.link_actor(link), invitation=link.invitation, body=payload.body,
        from_manufacturer=True))))
