"""People and units, mounted at /people/ (system administrators)."""

from django.urls import path

from jiesu.people import views, views_import

app_name = "people"

urlpatterns = [
    path("", views.index, name="index"),
    path("check/", views.breaches, name="breaches"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:pk>/", views.unit_page, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/retire/", views.unit_retire, name="unit_retire"),
    path("units/<int:pk>/hotlines/", views.hotline_save, name="hotline_save"),
    path("units/<int:pk>/head/", views.head_replace, name="head_replace"),
    path("hotlines/<int:pk>/remove/", views.hotline_remove, name="hotline_remove"),
    path("roles/", views.role_list, name="roles"),
    path("roles/assign/", views.role_assign, name="role_assign"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("import/", views_import.upload, name="import"),
    path("import/confirm/", views_import.confirm, name="import_confirm"),
    path("import/template.xlsx", views_import.template, name="import_template"),
    path("log/", views.log_page, name="log"),
]
