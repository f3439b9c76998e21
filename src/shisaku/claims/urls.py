from django.urls import path

from shisaku.claims import views

app_name = "claims"
urlpatterns = [
    path("manufacturers/join/", views.join, name="join"),
    path("manufacturers/signup/", views.signup, name="signup"),
    path("manufacturers/<str:slug>/claim/", views.claim, name="claim"),
    path("claims/", views.queue, name="queue"),
    path("claims/<int:pk>/decide", views.decide, name="decide"),
    path("claims/mine/", views.mine, name="mine"),
    path("claims/mine/<int:pk>/resend", views.resend_verification, name="resend"),
    path("claims/mine/<int:pk>/withdraw", views.withdraw, name="withdraw"),
    path("claims/verify/<str:token>/", views.verify, name="verify"),
    path("claims/invitations/<str:token>/", views.invitation_link, name="invitation"),
    path("claims/pool/", views.pool_list, name="pool"),
    path("claims/pool/send", views.pool_send, name="pool_send"),
    path("claims/pool/resend", views.pool_resend_all, name="pool_resend_all"),
    path("claims/pool/<int:pk>/resend", views.pool_resend, name="pool_resend"),
    path("claims/pool/<int:pk>/bounce", views.pool_bounce, name="pool_bounce"),
]
