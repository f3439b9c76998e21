from django.urls import path

from shisaku.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.manufacturer_list, name="list"),
    path("download", views.manufacturer_download, name="download"),
    path("find", views.manufacturer_find, name="find"),
    path("<int:pk>/", views.manufacturer_detail, name="detail"),
    path("<int:pk>/edit", views.manufacturer_edit, name="edit"),
]
