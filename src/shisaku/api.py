"""The HTTP API (django-ninja): one router per app, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from shisaku.core.links import LinkRefused
from shisaku.core.parsers import NFCParser
from shisaku.errors import InputError
from shisaku.taxonomy import UnknownCodeError

api = NinjaAPI(
    title="Shisaku API",
    version="1.0.0",
    description="Find manufacturers, match requirements, estimate costs, plan joint orders.",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=NFCParser(),  # every string of the input in NFC (core/text.py)
)


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=422)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Schema errors in the same shape as ours: the field (its path) and the reason."""
    detail = []
    for error in exc.errors:
        path = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "form",
                                                                  "path", "file")]
        # ninja puts the parameter's own name first for a body schema; the field follows.
        field = ".".join(path[1:] if len(path) > 1 else path)
        detail.append({"field": field, "reason": error.get("msg", "invalid")})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(UnknownCodeError)
def _unknown_code(request: HttpRequest, exc: UnknownCodeError) -> HttpResponse:
    detail = {"field": exc.kind, "reason": str(exc), "valid": exc.valid}
    return api.create_response(request, {"detail": [detail]}, status=422)


@api.exception_handler(LinkRefused)
def _link_refused(request: HttpRequest, exc: LinkRefused) -> HttpResponse:
    """A personal link that does not open: 403 forged / revoked, 410 expired / used up."""
    reason = f"{exc.detail}; ask the sender for a new link (reply to the e-mail)"
    return api.create_response(request, {"detail": [{"field": "link", "reason": reason}],
                                         "link": exc.reason}, status=exc.status)


api.add_router("/manufacturers", "shisaku.directory.api.router")
api.add_router("/match", "shisaku.directory.api.match_router")
api.add_router("/estimates", "shisaku.estimates.api.router")
api.add_router("/consortia", "shisaku.consortia.api.router")
api.add_router("/projects", "shisaku.projects.api.router")
api.add_router("/rfqs", "shisaku.rfq.api.router")
api.add_router("/inbox", "shisaku.rfq.api.inbox_router")
api.add_router("/portal", "shisaku.rfq.portal_api.router")
api.add_router("/portal/consortium", "shisaku.consortia.portal_api.router")
