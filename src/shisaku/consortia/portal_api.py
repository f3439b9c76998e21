"""`/api/v1/portal/consortium`: the consortium link portal over the API (a firm without an
account answers its invitation), authenticated by the link's token alone
(``Authorization: Bearer <token>``); refusals as in ``rfq.portal_api`` (403 / 410)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from shisaku.consortia import links, services
from shisaku.consortia.choices import LEAD
from shisaku.consortia.models import MemberLink
from shisaku.core.links import link_rate_limited
from shisaku.rfq.portal_api import token_of
from shisaku.rfq.schemas import ErrorOut

__all__ = ["router"]

router = Router(tags=["link portal"])
_REFUSED: dict[int, Any] = {403: ErrorOut, 410: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class SlotOut(Schema):
    package: str
    name: str
    state: str


class PortalConsortiumOut(Schema):
    consortium: int
    project: str
    coordinator: str
    status: str
    manufacturer: str
    slots: list[SlotOut]


class RespondIn(Schema):
    answer: str   # "accept" | "decline"


def _link(request: HttpRequest, *, for_answer: bool = False) -> MemberLink:
    if link_rate_limited(request):
        raise HttpError(429, gettext("too many requests: wait a minute"))
    return links.member_link_open(token=token_of(request), for_answer=for_answer)


def _out(link: MemberLink) -> dict[str, Any]:
    consortium = link.consortium
    consortium.refresh_from_db()
    names = consortium.package_names()
    return {"consortium": consortium.pk, "project": consortium.project.title,
            "coordinator": consortium.coordinator.name, "status": consortium.status,
            "manufacturer": link.manufacturer.name,
            "slots": [{"package": m.package_id, "state": m.state,
                       "name": "lead" if m.package_id == LEAD
                       else str(names.get(m.package_id, m.package_id))}
                      for m in consortium.members.filter(manufacturer_id=link.manufacturer_id)
                      .order_by("id")]}


@router.get("", response={200: PortalConsortiumOut, **_REFUSED},
            summary="The consortium invitation your link opens")
def invitation(request: HttpRequest) -> Any:
    return _out(_link(request))


@router.post("/respond", response={200: PortalConsortiumOut, **_REFUSED},
             summary="Accept or decline the work (once)")
def respond(request: HttpRequest, payload: RespondIn) -> Status[Any]:
    link = _link(request, for_answer=True)
    slots = links.slots_of(link.consortium, link.manufacturer_id)
    services.member_respond(actor=links.link_actor(link), member=slots[0],
                            answer=payload.answer)
    return Status(200, _out(link))
