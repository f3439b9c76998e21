from django.urls import path

from shisaku.directory import opendata_views, views

app_name = "directory"
urlpatterns = [
    path("", views.manufacturer_list, name="list"),
    path("download", views.manufacturer_download, name="download"),
    path("find", views.manufacturer_find, name="find"),
    path("open-data/", opendata_views.open_data, name="open_data"),
    path("open-data/<str:name>", opendata_views.open_data_file, name="open_data_file"),
    path("<int:pk>/", views.manufacturer_detail, name="detail"),
    path("<int:pk>/edit", views.manufacturer_edit, name="edit"),
]
