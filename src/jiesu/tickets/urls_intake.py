"""Requester and intake pages (issue 4 items 1, 2, 7): mounted at the site root."""

from django.urls import path

from jiesu.tickets.intake_views import downloads, rating, staff, track, web

app_name = "intake"

urlpatterns = [
    path("requests/new/", web.request_new, name="new"),
    path("requests/created/", web.request_created, name="created"),
    path("requests/mine/", web.my_requests, name="mine"),
    path("requests/mine/<str:number>/rate/", rating.rate_mine, name="rate_mine"),
    path("rate/<str:token>/", rating.rate_by_link, name="rate"),
    path("intake/", staff.staff_intake, name="staff"),
    path("intake/repeats/", staff.repeat_candidates, name="repeats"),
    path("track/", track.track, name="track"),
    path("attachments/<int:pk>/", downloads.attachment_download, name="attachment"),
]
