from django.contrib.auth import views as auth_views
from django.urls import path

from jiesu.web import views
from jiesu.web.forms import SignInForm

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("hotlines/", views.hotlines, name="hotlines"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
]
