from django.urls import path

from jiesu.channels import views

app_name = "channels"

urlpatterns = [
    path("reception/", views.reception, name="reception"),
    path("reception/slots/<int:slot>/book/", views.book, name="book"),
    path("reception/bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("reception/rota/", views.rota, name="rota"),
    path("reception/rota/<int:pk>/", views.session, name="session"),
    path("reception/rota/<int:pk>/list.docx", views.session_docx, name="session_docx"),
    path("reception/bookings/<int:pk>/visit/", views.visit, name="visit"),
    path("reception/bookings/<int:pk>/ticket/", views.booking_ticket, name="booking_ticket"),
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/<int:pk>/", views.petition, name="petition"),
    path("symposiums/", views.symposiums, name="symposiums"),
    path("symposiums/<int:pk>/", views.symposium, name="symposium"),
    path("symposiums/<int:pk>/tickets/", views.symposium_tickets, name="symposium_tickets"),
]
