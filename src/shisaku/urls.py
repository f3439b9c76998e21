"""URL map: pages under a language-neutral path (the language lives in the session/cookie)."""

from django.contrib import admin
from django.urls import include, path

from shisaku.api import api
from shisaku.core import urls as core_urls
from shisaku.directory.home import home

# The home page keeps its URL and name ("core:home") but is served by the directory app, which
# it shows: core imports no app above it (ARCHITECTURE.md rule 8).
_core = ([path("", home, name="home"), *core_urls.urlpatterns], core_urls.app_name)

urlpatterns = [
    path("", include(_core)),
    path("accounts/", include("shisaku.accounts.urls")),
    path("manufacturers/", include("shisaku.directory.urls")),
    path("estimate/", include("shisaku.estimates.urls")),
    path("projects/", include("shisaku.projects.urls")),
    path("rfqs/", include("shisaku.rfq.urls")),
    path("window/", include("shisaku.consortia.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
