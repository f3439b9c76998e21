from django.urls import path

from shisaku.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/do/<slug:action>", views.order_action, name="action"),
    path("<int:pk>/changes/<int:change_pk>", views.change_decide, name="change_decide"),
    path("<int:pk>/milestones/<int:milestone_pk>", views.milestone_record,
         name="milestone_record"),
    path("<int:pk>/documents/<int:doc_pk>", views.document_download, name="document"),
    path("tooling/<int:pk>/", views.tooling_detail, name="tooling"),
    path("tooling/<int:pk>/do/<slug:action>", views.tooling_action, name="tooling_action"),
]
