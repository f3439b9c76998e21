"""Refuse over-large request bodies before Django reads them (uploads are capped per file too)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


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
