"""Request hardening: refuse over-large bodies before Django reads them, and put a
Content-Security-Policy on every HTML answer (docs/OPERATIONS.md, "Security headers")."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

__all__ = ["CONTENT_SECURITY_POLICY", "ContentSecurityPolicyMiddleware",
           "RequestSizeLimitMiddleware"]

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
