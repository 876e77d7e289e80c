from django.contrib import admin
from django.urls import include, path

from jiesu.api.api import api

urlpatterns = [
    path("", include("jiesu.web.urls")),
    path("", include("jiesu.identity.urls")),  # issue 18: CAS and WeCom sign-in
    path("", include("jiesu.tickets.urls_intake")),
    path("", include("jiesu.tickets.urls_staff")),
    path("ledger/", include("jiesu.ledger.urls")),
    path("reports/", include("jiesu.reporting.urls")),
    path("insight/", include("jiesu.insight.urls")),
    path("catalogue/", include("jiesu.catalogue.urls")),
    path("open311/v2/", include("jiesu.open311.urls")),
    path("knowledge/", include("jiesu.knowledge.urls")),
    path("channels/", include("jiesu.channels.urls")),
    path("referrals/", include("jiesu.referrals.urls")),
    path("", include("jiesu.supervision.urls")),
    path("", include("jiesu.mailbox.urls")),
    path("calendar/", include("jiesu.workcalendar.urls")),
    path("notifications/", include("jiesu.notify.urls")),
    path("people/", include("jiesu.people.urls")),
    path("account/", include("jiesu.people.urls_account")),
    path("oidc/", include("jiesu.directory.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Issue 14 item 3: error pages in Chinese, in the site's layout, with a way back.
handler400 = "jiesu.web.errors.bad_request"
handler403 = "jiesu.web.errors.permission_denied"
handler404 = "jiesu.web.errors.page_not_found"
handler500 = "jiesu.web.errors.server_error"
