from django.contrib import admin
from django.urls import include, path

from jiesu.api.api import api

urlpatterns = [
    # First: Django tries patterns in order, and the API is where the volume is (resolving /api/v1/tickets
    # behind the pages' many patterns cost 0.18 ms a request; docs/performance.md).
    path("api/v1/", api.urls),
    path("", include("jiesu.web.urls")),
    path("", include("jiesu.tickets.urls_intake")),
    path("", include("jiesu.tickets.urls_staff")),
    path("ledger/", include("jiesu.ledger.urls")),
    path("calendar/", include("jiesu.workcalendar.urls")),
    path("notifications/", include("jiesu.notify.urls")),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
