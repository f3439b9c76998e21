from django.urls import path

from shisaku.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.insights_page, name="page"),
    path("<slug:code>.svg", views.figure_chart, name="chart"),
    path("<slug:code>.csv", views.figure_csv, name="csv"),
]
