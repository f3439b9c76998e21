"""URL map: pages under a language-neutral path (the language lives in the session/cookie)."""

from django.contrib import admin
from django.urls import include, path

from shisaku.api import api

urlpatterns = [
    path("", include("shisaku.core.urls")),
    path("accounts/", include("shisaku.accounts.urls")),
    path("manufacturers/", include("shisaku.directory.urls")),
    path("", include("shisaku.claims.urls")),
    path("estimate/", include("shisaku.estimates.urls")),
    path("projects/", include("shisaku.projects.urls")),
    path("rfqs/", include("shisaku.rfq.urls")),
    path("window/", include("shisaku.consortia.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
