from django.urls import path

from shisaku.estimates import views

app_name = "estimates"
urlpatterns = [
    path("", views.estimate_new, name="new"),
    path("pcb/", views.estimate_pcb, name="pcb"),
    path("<int:pk>/", views.estimate_detail, name="detail"),
    path("<int:pk>/status", views.estimate_status, name="status"),
    path("<int:pk>/mesh.json", views.estimate_mesh, name="mesh"),
    path("<int:pk>/chart.svg", views.estimate_chart, name="chart"),
    path("part-file/<int:file_id>", views.estimate_part_file, name="part_file"),
]
