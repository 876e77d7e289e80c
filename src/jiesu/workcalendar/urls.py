from django.urls import path

from jiesu.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year_view, name="year"),
    path("day/<str:day>/", views.day_view, name="day"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/preview/", views.import_preview, name="import_preview"),
]
