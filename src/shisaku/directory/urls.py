from django.urls import path

from shisaku.directory import import_views, opendata_views, views

app_name = "directory"
urlpatterns = [
    path("", views.manufacturer_list, name="list"),
    path("download", views.manufacturer_download, name="download"),
    path("find", views.manufacturer_find, name="find"),
    path("open-data/", opendata_views.open_data, name="open_data"),
    path("open-data/<path:name>", opendata_views.open_data_file, name="open_data_file"),
    path("<int:pk>/", views.manufacturer_detail, name="detail"),
    path("<int:pk>/edit", views.manufacturer_edit, name="edit"),
    path("imports/", import_views.import_batch_list, name="imports"),
    path("imports/new", import_views.import_batch_new, name="import_new"),
    path("imports/<int:pk>/", import_views.import_batch_detail, name="import_detail"),
    path("imports/<int:pk>/load", import_views.import_batch_load_view, name="import_load"),
    path("imports/<int:pk>/discard", import_views.import_batch_discard_view,
         name="import_discard"),
]
