"""Request hardening: refuse over-large bodies before Django reads them, refuse input that
cannot be stored (NUL bytes, lone surrogates, unreadable bodies, JSON that is not an object)
with 4xx, and put a Content-Security-Policy on every HTML answer (docs/OPERATIONS.md,
"Security")."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import is_valid_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

__all__ = ["CONTENT_SECURITY_POLICY", "ContentSecurityPolicyMiddleware",
           "InputGuardMiddleware", "RemoveSlashMiddleware", "RequestSizeLimitMiddleware"]

# Scripts and styles only from our own static files (htmx comes from django-htmx's static
# file); no inline script, no inline event handler, no eval. Images may be data: URIs (the
# estimate's cost chart). Nobody may frame us; forms post only to us.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


class RequestSizeLimitMiddleware:
    """413 for a declared Content-Length above the upload limit plus 1 MB of form fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = (settings.SHISAKU_MAX_UPLOAD_MB + 1) * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(_("Invalid Content-Length."), status=400,
                                content_type="text/plain; charset=utf-8")
        if length > limit:
            message = _("The request is larger than %(mb)s MB.") % {
                "mb": settings.SHISAKU_MAX_UPLOAD_MB}
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """The policy above on every HTML response (pages, htmx partials, error pages); the API
    docs page gets it too, and loads its assets from our static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith(("text/html", "application/xhtml+xml", "image/svg+xml")):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class RemoveSlashMiddleware:
    """The mirror of Django's APPEND_SLASH: a page GET that is a 404 only because of a trailing
    slash (``/accounts/login/`` where the page is ``/accounts/login``) is redirected (301, query
    kept) to the address without it. The API answers exactly what was asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path_info
        if (response.status_code != 404 or request.method not in ("GET", "HEAD")
                or not path.endswith("/") or path == "/" or path.startswith("/api/")):
            return response
        bare = path.rstrip("/")
        if not bare or not is_valid_path(bare, getattr(request, "urlconf", None)):
            return response
        query = request.META.get("QUERY_STRING", "")
        target = request.path[: len(request.path) - len(path)] + bare  # keep SCRIPT_NAME
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


# Reasons marked here, translated when the answer is written (the request's language is
# known then), for pages and the API alike.
NUL_REASON = gettext_noop("contains a NUL character")
SURROGATE_REASON = gettext_noop("contains an unpaired surrogate (not valid Unicode text)")
UNREADABLE_FORM_REASON = gettext_noop(
    "the form data cannot be read (multipart without a boundary, or damaged)")
INVALID_JSON_REASON = gettext_noop("not valid JSON")
NOT_OBJECT_REASON = gettext_noop("must be a JSON object ({...}), not %(type)s")
FIELD_NAME_REASON = gettext_noop("field name %(reason)s")


def _bad_text(value: str) -> str | None:
    """Why a string cannot be stored, or None: NUL bytes (PostgreSQL refuses them) and lone
    surrogates (not encodable as UTF-8)."""
    if "\x00" in value:
        return NUL_REASON
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_REASON
    return None


def _bad_json(value: Any, path: str = "") -> tuple[str, str, dict[str, str]] | None:
    """The first (field path, reason, its parameters) of a string or key that cannot be
    stored, else None."""
    if isinstance(value, str):
        reason = _bad_text(value)
        return (path, reason, {}) if reason else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            reason = _bad_text(key)
            if reason:
                return (here, FIELD_NAME_REASON, {"reason": reason})
            found = _bad_json(item, here)
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _bad_json(item, f"{path}[{i}]")
            if found:
                return found
    return None


class InputGuardMiddleware:
    """Input no view should ever see, refused before any view with 4xx, the field and the
    reason (instead of a 500 from the database or the encoder):

    - NUL bytes or unpaired surrogates in query parameters, form fields and JSON strings;
    - a JSON body under /api/ that is not valid JSON (400) or not an object (422);
    - a multipart body without a boundary, or a form body Django cannot parse (400).
    API paths answer JSON ``{"detail": [{"field", "reason"}]}``; pages answer plain text.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _refuse(request: HttpRequest, status: int, field: str, reason: str,
                params: dict[str, str] | None = None) -> HttpResponse:
        said = _(reason)
        if params:
            # ("reason": one of the reasons above, translated too; "type": a JSON type name)
            said = said % {k: _(v) if k == "reason" else v for k, v in params.items()}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"field": field, "reason": said}]}, status=status)
        text = f"{field}: {said}" if field else said
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            for value in [key, *values]:
                reason = _bad_text(value)
                if reason:
                    return self._refuse(request, 422 if request.path.startswith("/api/")
                                        else 400, key, reason)
        if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            refused = self._check_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        content_type = request.content_type or ""
        if content_type == "application/json" or content_type.endswith("+json"):
            if not request.path.startswith("/api/") or not request.body:
                return None
            try:
                data = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                return self._refuse(request, 400, "body", INVALID_JSON_REASON)
            if not isinstance(data, dict):
                kind = type(data).__name__.replace("NoneType", "null")
                return self._refuse(request, 422, "body", NOT_OBJECT_REASON, {"type": kind})
            found = _bad_json(data)
            return self._refuse(request, 422, *found) if found else None
        if content_type == "multipart/form-data":
            # Checked without parsing: a view may still choose its upload handlers.
            boundary = request.content_params.get("boundary", "")
            if not boundary or len(boundary) > 200:
                return self._refuse(request, 400, "body", UNREADABLE_FORM_REASON)
        return None

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any,
                     kwargs: Any) -> HttpResponse | None:
        """Form fields, once the view is known: views under CSRF protection have their form
        parsed by the CSRF check anyway; csrf-exempt views (the API, a view that sets its own
        upload handlers) validate their own fields."""
        if request.method not in {"POST", "PUT", "PATCH", "DELETE"} or getattr(
                view, "csrf_exempt", False):
            return None
        if request.content_type not in {"multipart/form-data",
                                        "application/x-www-form-urlencoded"}:
            return None
        try:
            fields = request.POST
        except (MultiPartParserError, ValueError):
            return self._refuse(request, 400, "body", UNREADABLE_FORM_REASON)
        for key, values in fields.lists():
            for value in [key, *values]:
                reason = _bad_text(value)
                if reason:
                    return self._refuse(request, 400, key, reason)
        return None
