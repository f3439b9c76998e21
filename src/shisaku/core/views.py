"""Core pages: the health check (the home page lives in the directory app, above what it shows)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:  # touches the database
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
