"""Home: one search box, the directory's size by country and stage, and how to start; the
error pages."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language, gettext

from shisaku import taxonomy
from shisaku.directory.models import Manufacturer, ManufacturerFacet


def home(request: HttpRequest) -> HttpResponse:
    lang = get_language() or "en"
    by_country = dict(Manufacturer.objects.values_list("country").annotate(n=Count("id"))
                      .order_by())
    by_stage = dict(ManufacturerFacet.objects.filter(kind="stage").values_list("code")
                    .annotate(n=Count("id")).order_by())
    context = {
        "total": sum(by_country.values()),
        "countries": [{"code": c, "label": taxonomy.label("country", c, lang),
                       "count": by_country[c]} for c in taxonomy.COUNTRIES if c in by_country],
        "stages": [{"code": t.code, "label": t.label(lang), "count": by_stage.get(t.code, 0)}
                   for t in taxonomy.STAGES],
        "sample_count": Manufacturer.objects.filter(synthetic=True).count(),
    }
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    Manufacturer.objects.exists()  # touches the database
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
