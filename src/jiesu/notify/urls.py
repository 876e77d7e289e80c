"""The inbox, channel preferences and the Office's outbox page, mounted at /notifications/."""

from django.urls import path

from jiesu.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("settings/", views.preferences, name="settings"),
    path("outbox/", views.outbox, name="outbox"),
]
