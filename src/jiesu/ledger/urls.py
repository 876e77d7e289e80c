from django.urls import path

from jiesu.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.index, name="index"),
    path("summary/", views.summary, name="summary"),
    path("export.xlsx", views.export, name="export"),
    path("export-full/", views.export_full, name="export_full"),
    path("exports/", views.exports, name="exports"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("filters/save/", views.filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views.filter_delete, name="filter_delete"),
]
