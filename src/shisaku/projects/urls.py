from django.urls import path

from shisaku.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new", views.project_create, name="create"),
    path("coordinator", views.coordinator_board, name="coordinator"),
    path("coordinator/settings", views.programme_settings, name="programme_settings"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit", views.project_edit, name="edit"),
    path("<int:pk>/delete", views.project_delete, name="delete"),
    path("<int:pk>/stage", views.stage_move, name="stage_move"),
    path("<int:pk>/checklist", views.checklist_toggle, name="checklist"),
    path("<int:pk>/parts/new", views.part_create, name="part_create"),
    path("<int:pk>/parts/<int:part_pk>/", views.part_edit, name="part_edit"),
    path("<int:pk>/parts/<int:part_pk>/spec-fields", views.part_spec_fields,
         name="part_spec_fields"),
    path("<int:pk>/parts/<int:part_pk>/delete", views.part_delete, name="part_delete"),
    path("<int:pk>/parts/<int:part_pk>/files", views.file_upload, name="file_upload"),
    path("<int:pk>/parts/<int:part_pk>/files/<int:file_pk>", views.file_download,
         name="file_download"),
    path("<int:pk>/parts/<int:part_pk>/files/<int:file_pk>/delete", views.file_delete,
         name="file_delete"),
]
