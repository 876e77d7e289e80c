from django.urls import path

from jiesu.supervision import views

app_name = "supervision"

urlpatterns = [
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/export.xlsx", views.assessment_export, name="assessment_export"),
    path("assessment/tickets/", views.figure_tickets, name="figure_tickets"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:chart>.<slug:fmt>", views.dashboard_export, name="dashboard_export"),
    path("summary/", views.summary, name="summary"),
]
