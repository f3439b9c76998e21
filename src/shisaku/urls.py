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
    path("accounts/tokens/", include("shisaku.tokens.urls")),
    path("manufacturers/", include("shisaku.directory.urls")),
    path("", include("shisaku.claims.urls")),
    path("estimate/", include("shisaku.estimates.urls")),
    path("projects/", include("shisaku.projects.urls")),
    path("rfqs/", include("shisaku.rfq.urls")),
    path("notifications/", include("shisaku.notifications.urls")),
    path("window/", include("shisaku.consortia.urls")),
    path("orders/", include("shisaku.orders.urls")),
    path("insights/", include("shisaku.insights.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "shisaku.core.views.bad_request"
handler403 = "shisaku.core.views.permission_denied"
handler404 = "shisaku.core.views.page_not_found"
handler500 = "shisaku.core.views.server_error"
