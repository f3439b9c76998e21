from django.urls import path
from django.views.generic import RedirectView

from shisaku.rfq import portal_views as portal
from shisaku.rfq import views

app_name = "rfq"
urlpatterns = [
    path("", views.rfq_list, name="list"),
    path("rates/", views.rates, name="rates"),
    path("new/<int:project_pk>", views.rfq_create, name="create"),
    path("<int:pk>/", views.rfq_detail, name="detail"),
    path("<int:pk>/send", views.rfq_send, name="send"),
    path("<int:pk>/compare", views.rfq_compare, name="compare"),
    path("<int:pk>/award", views.rfq_award, name="award"),
    path("<int:pk>/rate", views.rfq_rate, name="rate"),
    path("<int:pk>/cancel", views.rfq_cancel, name="cancel"),
    path("<int:pk>/sharing", views.rfq_sharing_set, name="sharing"),
    path("request/<int:manufacturer_pk>", views.rfq_request_firm, name="request_firm"),
    path("inbox/", views.inbox, name="inbox"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/acknowledge", views.invitation_acknowledge, name="acknowledge"),
    path("invitations/<int:pk>/nda", views.invitation_nda, name="nda"),
    path("invitations/<int:pk>/files/<int:file_pk>", views.invitation_file, name="file"),
    path("invitations/<int:pk>/quote", views.invitation_quote, name="quote"),
    path("invitations/<int:pk>/decline", views.invitation_decline, name="decline"),
    path("invitations/<int:pk>/withdraw", views.quote_withdraw, name="withdraw"),
    path("invitations/<int:pk>/messages", views.message_post, name="message"),
    path("messages/<int:pk>/file", views.message_file, name="message_file"),
    # the list moved to /notifications/; old links keep working
    path("notifications/", RedirectView.as_view(pattern_name="notifications:list"),
         name="notifications"),
    path("invitations/<int:pk>/link/revoke", portal.link_revoke, name="link_revoke"),
    path("invitations/<int:pk>/link/reissue", portal.link_reissue, name="link_reissue"),
    # The link portal: a firm without an account, one invitation, by its personal token.
    path("link/<str:token>/", portal.portal, name="portal"),
    path("link/<str:token>/acknowledge", portal.portal_acknowledge, name="portal_acknowledge"),
    path("link/<str:token>/nda", portal.portal_nda, name="portal_nda"),
    path("link/<str:token>/files/<int:file_pk>", portal.portal_file, name="portal_file"),
    path("link/<str:token>/quote", portal.portal_quote, name="portal_quote"),
    path("link/<str:token>/withdraw", portal.portal_withdraw, name="portal_withdraw"),
    path("link/<str:token>/decline", portal.portal_decline, name="portal_decline"),
    path("link/<str:token>/messages", portal.portal_message, name="portal_message"),
    path("link/<str:token>/claim", portal.portal_claim, name="portal_claim"),
    path("link/<str:token>/messages/<int:message_pk>/file", portal.portal_message_file,
         name="portal_message_file"),
]
