"""Web self-service (R2 `web`, R1.2): a signed-in requester submits from the phone and sees number + code once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jiesu.tickets.models import Event, Ticket
from jiesu.tickets.services.base import tracking_code_matches
from jiesu.tickets.states import Status


def form_data(beijing, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "type": "help",
        "campus": beijing.pk,
        "subject": "宿舍暖气不热",
        "content": "学生公寓3号楼302室暖气不热，室温只有12度，请尽快维修。",
        "contact_phone": "13812345678",
        "contact_email": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_form_is_prefilled_from_the_profile(student_client: Client, person) -> None:
    """Phone, email and campus come from the requester's profile."""
    student = person("student")
    form = student_client.get(reverse("intake:new")).context["form"]
    assert form.initial["contact_phone"] == "13812345678"
    assert form.initial["contact_email"] == student.email
    assert form.initial["campus"] == student.campus_id


@pytest.mark.django_db
def test_submission_creates_a_ticket_owned_by_the_requester(student_client: Client, person, beijing) -> None:
    """The ticket is a web request of the signed-in requester, awaiting dispatch, with its creation in history."""
    response = student_client.post(reverse("intake:new"), form_data(beijing))
    assert response.status_code == 302 and response["Location"] == reverse("intake:created")
    ticket = Ticket.objects.get()
    assert ticket.requester == person("student")
    assert (ticket.channel, ticket.status, ticket.type, ticket.subject) == (
        "web",
        Status.NEW,
        "help",
        "宿舍暖气不热",
    )
    assert ticket.contact_phone == "13812345678" and ticket.recorded_by == person("student")
    assert Event.objects.filter(ticket=ticket, action="create").exists()


@pytest.mark.django_db
def test_number_and_code_are_shown_once(student_client: Client, beijing) -> None:
    """The created page shows the number and a code that matches the stored hash; a reload no longer shows it."""
    student_client.post(reverse("intake:new"), form_data(beijing))
    ticket = Ticket.objects.get()
    page = student_client.get(reverse("intake:created"))
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store") == 1
    shown = page.context["shown"]
    assert shown["number"] == ticket.number and tracking_code_matches(ticket, shown["code"])
    html = page.content.decode()
    assert ticket.number in html and shown["code"] in html and f"/tickets/{ticket.number}/" in html
    again = student_client.get(reverse("intake:created"))
    assert again.status_code == 302 and again["Location"] == reverse("intake:mine")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"content": ""}, "content"),
        ({"type": "rumour"}, "type"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"content": "很长" * 2600}, "content"),
    ],
)
def test_invalid_input_shows_errors_and_saves_nothing(
    student_client: Client, beijing, overrides, field
) -> None:
    """Missing or bad fields are shown beside the field; no ticket is created."""
    response = student_client.post(reverse("intake:new"), form_data(beijing, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'data-testid="field-error"' in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_contact_is_required(client: Client, person, beijing) -> None:
    """R1.2: with no phone or email on the form or the profile, the requester is asked for one."""
    teacher = person("teacher")
    teacher.phone, teacher.email = "", ""
    teacher.save(update_fields=["phone", "email"])
    client.force_login(teacher)
    response = client.post(reverse("intake:new"), form_data(beijing, contact_phone="", contact_email=""))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_service_refusals_are_shown_on_the_form(student_client: Client, beijing) -> None:
    """A rule checked by the service (phone characters) comes back as a field error, not a crash."""
    response = student_client.post(reverse("intake:new"), form_data(beijing, contact_phone="call me maybe"))
    assert response.status_code == 200
    assert response.context["form"].errors["contact_phone"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_sign_in_is_required(client: Client, demo_org: None) -> None:
    """Web self-service is for signed-in requesters; others are sent to sign in."""
    response = client.get(reverse("intake:new"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
