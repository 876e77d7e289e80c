from django.contrib.auth import views as auth_views
from django.urls import path

from jiesu.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("hotlines/", views.hotlines, name="hotlines"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
    path("healthz", views.healthz, name="healthz"),
]
