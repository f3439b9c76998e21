"""Home: one search box, the directory's size by country and stage, and how to start."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

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


_FAVICON = Path(__file__).resolve().parent.parent / "static" / "shisaku" / "favicon.ico"


@require_GET
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, asked for by every browser whatever the page says: our own icon (a
    static file, also served as ``static/shisaku/favicon.ico``; pages link the SVG one)."""
    return FileResponse(_FAVICON.open("rb"), content_type="image/x-icon")
