from django.urls import path

from jiesu.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.add, name="add"),
    path("matters/<int:pk>/", views.matter, name="matter"),
    path("matters/<int:pk>/retire/", views.retire, name="retire"),
    path("matters/<int:pk>/restore/", views.restore, name="restore"),
    path("search.json", views.search, name="search"),
    path("versions/", views.versions, name="versions"),
    path("versions/<int:number>/", views.version, name="version"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
]
