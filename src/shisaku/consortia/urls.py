from django.urls import path

from shisaku.consortia import portal_views as portal
from shisaku.consortia import views

app_name = "consortia"
urlpatterns = [
    path("", views.window_inbox, name="inbox"),
    path("inquiries/<int:pk>", views.inquiry_edit, name="inquiry_edit"),
    path("sync", views.window_sync, name="sync"),
    path("digest", views.window_digest, name="digest"),
    path("send/<int:project_pk>", views.window_send, name="send"),
    path("projects/<int:project_pk>/consortium", views.consortium_propose, name="propose"),
    path("consortia/<int:pk>/", views.consortium_detail, name="detail"),
    path("consortia/<int:pk>/packages", views.consortium_packages, name="packages"),
    path("consortia/<int:pk>/invite", views.consortium_invite, name="invite"),
    path("consortia/<int:pk>/form", views.consortium_form, name="form"),
    path("consortia/<int:pk>/joint-quote", views.consortium_joint_quote, name="joint_quote"),
    path("consortia/<int:pk>/bookkeeping", views.consortium_bookkeeping, name="bookkeeping"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/respond", views.invitation_respond, name="respond"),
    path("consortia/<int:pk>/members/<int:manufacturer_pk>/link/revoke", portal.link_revoke,
         name="link_revoke"),
    path("consortia/<int:pk>/members/<int:manufacturer_pk>/link/reissue", portal.link_reissue,
         name="link_reissue"),
    # The link portal of a firm without an account invited to a consortium.
    path("link/<str:token>/", portal.portal, name="portal"),
    path("link/<str:token>/respond", portal.portal_respond, name="portal_respond"),
    path("link/<str:token>/claim", portal.portal_claim, name="portal_claim"),
]
