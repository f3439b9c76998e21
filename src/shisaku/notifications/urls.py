from django.urls import path

from shisaku.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("settings/", views.preferences, name="settings"),
]
