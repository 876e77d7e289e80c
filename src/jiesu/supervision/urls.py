from django.urls import path

from jiesu.supervision import views, views_inspections, views_orders

app_name = "supervision"

urlpatterns = [
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/export.xlsx", views.assessment_export, name="assessment_export"),
    path("assessment/tickets/", views.figure_tickets, name="figure_tickets"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:chart>.<slug:fmt>", views.dashboard_export, name="dashboard_export"),
    path("summary/", views.summary, name="summary"),
    # R8.2 supervision orders
    path("orders/", views_orders.board, name="orders"),
    path("orders/new/", views_orders.order_new, name="order_new"),
    path("orders/<int:pk>/", views_orders.order_page, name="order"),
    # R8.5 inspections
    path("inspections/", views_inspections.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views_inspections.inspection_page, name="inspection"),
    path(
        "inspections/<int:pk>/tickets/<int:ticket_id>/",
        views_inspections.sampled_ticket,
        name="sampled_ticket",
    ),
    path("inspections/notices/<int:pk>.docx", views_inspections.notice_file, name="notice_file"),
]
