from django.urls import path

from jiesu.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("answered/", views.answered, name="answered"),
    path("manage/", views.manage, name="manage"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/peek/", views.peek, name="peek"),
    path("<int:pk>/answer-call/", views.answer_call, name="answer_call"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/state/", views.set_state, name="state"),
]
