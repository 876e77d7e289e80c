from django.contrib import admin
from django.urls import include, path

from jiesu.api.api import api

urlpatterns = [
    path("", include("jiesu.web.urls")),
    path("", include("jiesu.tickets.urls_intake")),
    path("", include("jiesu.tickets.urls_staff")),
    path("ledger/", include("jiesu.ledger.urls")),
    path("insight/", include("jiesu.insight.urls")),
    path("", include("jiesu.supervision.urls")),
    path("calendar/", include("jiesu.workcalendar.urls")),
    path("notifications/", include("jiesu.notify.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
