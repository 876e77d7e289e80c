"""Mailbox pages (R2.2), mounted at the site root: /mailbox/ writes, /board/ reads, /mailbox/office/ triages."""

from django.urls import path

from jiesu.mailbox import views, views_office

app_name = "mailbox"

urlpatterns = [
    path("mailbox/", views.write, name="write"),
    path("mailbox/written/", views.written, name="written"),
    path("mailbox/office/", views_office.desk, name="office"),
    path("mailbox/office/<int:pk>/", views_office.letter_page, name="office_letter"),
    path("mailbox/office/<int:pk>/withdraw/", views_office.withdraw, name="withdraw"),
    path(
        "mailbox/office/<int:pk>/<str:action>/",
        views_office.letter_act,
        name="office_act",
    ),
    path("board/", views.board, name="board"),
    path("board/<int:pk>/", views.board_entry, name="board_entry"),
]
