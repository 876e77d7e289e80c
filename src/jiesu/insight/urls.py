from django.urls import path

from jiesu.insight import views

app_name = "insight"

urlpatterns = [
    path("", views.index, name="index"),
    path("retrain/", views.retrain, name="retrain"),
]
