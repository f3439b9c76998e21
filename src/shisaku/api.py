"""The HTTP API (django-ninja): one router per app, OpenAPI at /api/v1/openapi.json.

Every error answers ``{"detail": [{"field", "reason"}]}``, with ``valid``, ``code`` and
``params`` where known (409: the entity's state, see the rfq schemas), and the OpenAPI
document lists, for every operation, the error answers it can
really give (:meth:`ShisakuAPI.get_openapi_schema`): 400 unreadable body, 401 not signed in,
403 CSRF refused, 404 not found or not yours, 413 body too large, 422 invalid input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from shisaku.core import refusals
from shisaku.core.links import LinkRefused
from shisaku.core.parsers import NFCParser
from shisaku.errors import InputError
from shisaku.taxonomy import UnknownCodeError


class ApiErrorItem(Schema):
    """``reason`` in the reader's language; an engine's refusal also gives ``code`` (stable,
    for programs: a key of ``engines.messages.REFUSALS``, or ``unknown_code`` for a taxonomy
    code the platform does not know) and ``params`` (the numbers and names in the
    sentence)."""

    field: str
    reason: str
    valid: list[str] | None = None
    code: str | None = None
    params: dict[str, Any] | None = None


class ApiError(Schema):
    """The shape of every error answer but 409."""

    detail: list[ApiErrorItem]


_ERROR_DESCRIPTIONS = {
    "400": "The body cannot be read (not JSON, or a multipart body without a boundary).",
    "401": "Not signed in (session authentication).",
    "403": "Refused: the CSRF token is missing or wrong.",
    "404": "No such object (in the path, named in the body, or of the caller), or not one "
           "you may see.",
    "413": "The request body is larger than the upload limit.",
    "422": "Invalid input: each entry names the field and the reason.",
}
_UNSAFE = {"post", "put", "patch", "delete"}


class ShisakuAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        """Ninja's document plus the error answers each operation really gives."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error.pop("$defs", {}))
        components["ApiError"] = error
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for operations in schema["paths"].values():
            for method, op in operations.items():
                params = op.get("parameters", [])
                codes = []
                if op.get("security"):
                    codes.append("401")
                    if method in _UNSAFE:
                        codes.append("403")
                # a path id, an id in the body (a project, an award ...) or the caller's own
                # object (a coordinator's window) may be missing
                if (any(p.get("in") == "path" for p in params) or "requestBody" in op
                        or op.get("security")):
                    codes.append("404")
                if params or "requestBody" in op:
                    codes.append("422")
                if "requestBody" in op:
                    codes += ["400", "413"]
                responses = op.setdefault("responses", {})
                for code in codes:  # ninja keys its own answers by int
                    if code not in responses and int(code) not in responses:
                        responses[code] = {"description": _ERROR_DESCRIPTIONS[code],
                                           "content": ref}
        return schema


api = ShisakuAPI(
    title="Shisaku API",
    version="1.0.0",
    description="Find manufacturers, match requirements, estimate costs, plan joint orders.",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=NFCParser(),  # every string of the input in NFC (core/text.py)
)


def _error(request: HttpRequest, status: int, reason: str) -> HttpResponse:
    return api.create_response(request, {"detail": [{"field": "", "reason": reason}]},
                               status=status)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """401 / 403 / 404 ... raised by handlers or by ninja (authentication, CSRF)."""
    refusal = getattr(request, "token_refusal", "")
    if exc.status_code == 401 and refusal:  # a bearer token was presented and refused
        return api.create_response(
            request, {"detail": [{"field": "Authorization", "reason": refusal}]}, status=401)
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, gettext("not found"))


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    """An engine's refusal says its reason in the request's language (core.refusals), with
    its ``code`` and ``params``; an app's own reason was translated where it was raised."""
    return api.create_response(request, {"detail": [refusals.spoken_error(exc).as_dict()]},
                               status=422)


# Pydantic's error types -> the reason in the reader's language (pydantic's own ``msg`` is
# English: "Input should be a valid integer, unable to parse string as an integer").
# ``%(name)s`` placeholders take the error's context (``ge``, ``max_length`` ...).
_SCHEMA_REASONS: dict[str, Any] = {
    "missing": _("this field is required"),
    "int_parsing": _("must be a whole number"), "int_type": _("must be a whole number"),
    "int_from_float": _("must be a whole number"),
    "int_parsing_size": _("the number is too large"),
    "float_parsing": _("must be a number"), "float_type": _("must be a number"),
    "decimal_parsing": _("must be a number"), "decimal_type": _("must be a number"),
    "finite_number": _("must be a finite number"),
    "bool_parsing": _("must be true or false"), "bool_type": _("must be true or false"),
    "string_type": _("must be text"),
    "string_too_long": _("at most %(max_length)s characters"),
    "string_too_short": _("at least %(min_length)s characters"),
    "list_type": _("must be a list"),
    "dict_type": _("must be an object"), "model_type": _("must be an object"),
    "model_attributes_type": _("must be an object"),
    "too_long": _("at most %(max_length)s items"),
    "too_short": _("at least %(min_length)s items"),
    "greater_than": _("must be greater than %(gt)s"),
    "greater_than_equal": _("must be at least %(ge)s"),
    "less_than": _("must be less than %(lt)s"),
    "less_than_equal": _("must be at most %(le)s"),
    "literal_error": _("must be one of %(expected)s"), "enum": _("must be one of %(expected)s"),
    "extra_forbidden": _("unknown field"),
    "date_parsing": _("must be a date (YYYY-MM-DD)"), "date_type": _("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": _("must be a date (YYYY-MM-DD)"),
    "datetime_parsing": _("must be a date and time (ISO 8601)"),
    "datetime_type": _("must be a date and time (ISO 8601)"),
    "datetime_from_date_parsing": _("must be a date and time (ISO 8601)"),
    "uuid_parsing": _("must be a UUID"), "uuid_type": _("must be a UUID"),
    "url_parsing": _("must be a URL"), "url_type": _("must be a URL"),
    "url_scheme": _("must be a URL"),
    "json_invalid": _("not valid JSON"),
}


def schema_reason(error: Mapping[str, Any]) -> str:
    """A pydantic error's reason in the active language (a generic one for a type not
    listed above, never pydantic's English)."""
    reason = _SCHEMA_REASONS.get(str(error.get("type", "")))
    if reason is None:
        return gettext("not a valid value")
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return str(reason) % context if "%(" in str(reason) else str(reason)
    except (KeyError, TypeError, ValueError):  # a context without the expected name
        return gettext("not a valid value")


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Schema errors in the same shape as ours: the field (its path), the reason in the
    reader's language and pydantic's error type as ``code``."""
    detail = []
    for error in exc.errors:
        path = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "form",
                                                                  "path", "file")]
        # ninja puts the parameter's own name first for a body schema; the field follows.
        field = ".".join(path[1:] if len(path) > 1 else path)
        item: dict[str, Any] = {"field": field}
        if "type" in error:
            item.update(reason=schema_reason(error), code=str(error["type"]))
        else:  # ours (the directory's form errors): already in the reader's language
            item["reason"] = str(error.get("msg", gettext("not a valid value")))
        detail.append(item)
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(UnknownCodeError)
def _unknown_code(request: HttpRequest, exc: UnknownCodeError) -> HttpResponse:
    """An unknown taxonomy code: the kind as the field, the reason in the request's language,
    the valid codes, ``code`` "unknown_code" with ``params`` ``{"kind", "codes"}``."""
    detail = refusals.unknown_code_error(exc).as_dict()
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
api.add_router("/orders", "shisaku.orders.api.router")
api.add_router("/portal", "shisaku.rfq.portal_api.router")
api.add_router("/portal/consortium", "shisaku.consortia.portal_api.router")
api.add_router("/insights", "shisaku.insights.api.router")
