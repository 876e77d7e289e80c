from django.urls import path

from jiesu.reporting import views

app_name = "reporting"

urlpatterns = [
    path("weekly/", views.weekly_list, name="weekly"),
    path("weekly/<str:week>/", views.weekly_edit, name="weekly_edit"),
    path("weekly/<str:week>/draft.docx", views.weekly_draft_docx, name="weekly_draft_docx"),
    path("weekly/<str:week>/issue/", views.weekly_issue, name="weekly_issue"),
    path("issued/<int:pk>.docx", views.issued_download, name="issued_download"),
    path("periods/", views.periods, name="periods"),
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/export.xlsx", views.period_export, name="period_export"),
    path("zero/", views.zero, name="zero"),
]
