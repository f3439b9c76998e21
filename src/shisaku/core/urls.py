from django.urls import path

from shisaku.core import views

# The "core" namespace also holds "core:home" (served by the directory app): shisaku/urls.py.
app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
