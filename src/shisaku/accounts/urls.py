from django.contrib.auth import views as auth_views
from django.urls import path

from shisaku.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("signup/sent", views.signup_sent, name="signup_sent"),
    path("signup/confirm/<uidb64>/<token>", views.signup_confirm, name="signup_confirm"),
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("me", views.account, name="account"),
    path("team/", views.team, name="team"),
    path("team/<int:pk>/invite", views.team_invite, name="team_invite"),
    path("team/members/<int:pk>/remove", views.team_remove, name="team_remove"),
    path("team/members/<int:pk>/role", views.team_role, name="team_role"),
    path("team/invitations/<int:pk>/revoke", views.team_revoke, name="team_revoke"),
    path("team/join/<str:token>", views.team_join, name="team_join"),
    path("password/reset", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent",
         auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/complete",
         auth_views.PasswordResetCompleteView.as_view(
             template_name="accounts/password_reset_complete.html"),
         name="password_reset_complete"),
]
