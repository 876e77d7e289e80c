from django.urls import path

from jiesu.identity import views

app_name = "identity"

urlpatterns = [
    # The CAS service URL: the browser comes back here with ?ticket=…, and the CAS server posts its single
    # sign-out requests here.
    path("cas/login/", views.cas_login, name="cas_login"),
    path("cas/logout/", views.cas_logout, name="cas_logout"),
    path("wecom/login/", views.wecom_login, name="wecom_login"),
    path("wecom/callback/", views.wecom_callback, name="wecom_callback"),
    path("wecom/signed-out/", views.wecom_signed_out, name="wecom_signed_out"),
]
