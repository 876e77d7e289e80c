from django.urls import path

from jiesu.directory import views

app_name = "directory"

urlpatterns = [
    path("login/", views.oidc_login, name="oidc_login"),
    path("callback/", views.oidc_callback, name="oidc_callback"),
]
