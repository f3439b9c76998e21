"""Home: one search box, the directory's size by country and stage, and how to start.

It lives above what it shows (the directory), and its counts come from the directory index
(no query per request beyond the data generation)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from shisaku import taxonomy
from shisaku.directory.adapters import get_directory_index


def home(request: HttpRequest) -> HttpResponse:
    lang = get_language() or "en"
    listing = get_directory_index().listing
    by_country = listing.totals("country")
    by_stage = listing.totals("stage")
    context = {
        "total": listing.size,
        "countries": [{"code": c, "label": taxonomy.label("country", c, lang),
                       "count": by_country[c]} for c in taxonomy.COUNTRIES if c in by_country],
        "stages": [{"code": t.code, "label": t.label(lang), "count": by_stage.get(t.code, 0)}
                   for t in taxonomy.STAGES],
        "sample_count": listing.count_flag("synthetic"),
    }
    return render(request, "core/home.html", context)
