from django.contrib.auth import views as auth_views
from django.urls import path

from shisaku.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("me", views.account, name="account"),
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
