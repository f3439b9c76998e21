"""Core pages: the health check and the error pages (the home page lives in the directory app,
above what it shows)."""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:  # touches the database
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


# --- error pages ------------------------------------------------------------------------------
# Translated, without tracebacks or URL patterns (DEBUG is off unless SHISAKU_DEBUG=1). Under
# /api/ the answer is JSON in the API's error shape.

def _error(request: HttpRequest, status: int, reason: str, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": [{"field": "", "reason": reason}]}, status=status)
    try:
        if status >= 500:  # no context processors: they may need what just failed
            return HttpResponse(loader.get_template(template).render({"reason": reason}),
                                status=status)
        return render(request, template, {"reason": reason}, status=status)
    except Exception:  # the error page itself failed (e.g. the database is down): plain text
        return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, gettext("The request could not be understood."),
                  "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, gettext("You may not do this."), "errors/403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, gettext("Not found."), "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, gettext("Something went wrong on our side. It has been logged; "
                                        "please try again later."), "errors/500.html")


_FAVICON = Path(__file__).resolve().parent.parent / "static" / "shisaku" / "favicon.ico"


@require_GET
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, asked for by every browser whatever the page says: our own icon (a
    static file, also served as ``static/shisaku/favicon.ico``; pages link the SVG one)."""
    return FileResponse(_FAVICON.open("rb"), content_type="image/x-icon")
