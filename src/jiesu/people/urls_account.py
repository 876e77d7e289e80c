"""The signed-in person's own account, and the password reset, mounted at /account/."""

from django.urls import path

from jiesu.people import views_account

app_name = "account"

urlpatterns = [
    path("", views_account.account, name="index"),
    path("password-reset/", views_account.password_reset, name="password_reset"),
    path("password-reset/sent/", views_account.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views_account.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views_account.password_reset_complete, name="password_reset_complete"),
]
