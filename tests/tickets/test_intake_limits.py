"""Issue 17 items 3 and 6 on the intake forms: control characters are refused beside the field, the time received
is bounded, intake is rate-limited with the API's count, and an oversized body is a 413 page, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiesu.tickets.models import Event, Ticket
from tests.tickets.test_intake_staff import call, signed_in
from tests.tickets.test_intake_web import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [("subject", "暖气\x00不热"), ("content", "暖气\x07不热"), ("subject", "暖气\r\n不热")],
)
def test_control_characters_are_refused_on_the_web_form(
    student_client: Client, beijing, field, value
) -> None:
    response = student_client.post(reverse("intake:new"), form_data(beijing, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Ticket.objects.exists()


def test_control_characters_are_refused_in_ticket_action_forms_too(handling_ticket, person) -> None:
    """Every form of the site has the same check (one shared base form); multi-line text keeps its breaks."""
    from jiesu.tickets.forms import ContactLogForm

    ticket, officer = handling_ticket("direct"), person("officer")
    refused = ContactLogForm(data={"body": "已联系\x1b[2J"}, ticket=ticket, user=officer)
    assert not refused.is_valid() and "body" in refused.errors
    assert ContactLogForm(data={"body": "已联系\n\t明天上门"}, ticket=ticket, user=officer).is_valid()


def test_the_web_form_cannot_set_the_time_or_the_name(student_client: Client, beijing, person) -> None:
    forged = form_data(
        beijing, received_at="2026-01-01T08:00", requester_name="校长", requester_kind="faculty"
    )
    assert student_client.post(reverse("intake:new"), forged).status_code == 302
    ticket = Ticket.objects.get()
    student = person("student")
    assert (ticket.requester_name, ticket.requester_kind) == (student.get_full_name(), student.kind)
    assert timezone.now() - ticket.received_at < dt.timedelta(minutes=2)


def test_staff_form_bounds_the_time_received(client: Client, person, beijing, unit) -> None:
    signed_in(client, person, "officer")
    old = (timezone.localtime() - dt.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("intake:staff"),
        call(beijing, receiving_unit=unit("logistics").pk, received_at=old, backdate_reason="补录"),
    )
    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    far = call(beijing, receiving_unit=unit("logistics").pk, received_at="9999-12-31T23:00")
    assert "received_at" in client.post(reverse("intake:staff"), far).context["form"].errors
    assert not Ticket.objects.exists()


def test_staff_form_dating_back_records_the_reason(client: Client, person, beijing, unit) -> None:
    signed_in(client, person, "officer")
    unit_id = unit("logistics").pk
    earlier = (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    missing = client.post(reverse("intake:staff"), call(beijing, receiving_unit=unit_id, received_at=earlier))
    assert "backdate_reason" in missing.context["form"].errors
    done = client.post(
        reverse("intake:staff"),
        call(beijing, receiving_unit=unit_id, received_at=earlier, backdate_reason="周末补录"),
    )
    assert done.status_code == 302
    assert Event.objects.get(action="backdated").reason == "周末补录"


def test_the_web_form_shares_the_apis_rate_limit(student_client: Client, beijing, settings) -> None:
    settings.JIESU_INTAKE_RATE_PERSON = "2/h"
    url = reverse("intake:new")
    assert [student_client.post(url, form_data(beijing)).status_code for _ in range(2)] == [302, 302]
    refused = student_client.post(url, form_data(beijing))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.context["form"].non_field_errors()
    api = student_client.post(
        "/api/v1/tickets",
        {"channel": "web", "type": "help", "campus": "beijing", "content": "暖气不热"},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert Ticket.objects.count() == 2


def test_a_limit_set_to_off_lets_every_request_through(student_client: Client, beijing, settings) -> None:
    settings.JIESU_INTAKE_RATE_PERSON = "1/h"
    settings.JIESU_INTAKE_RATE_ADDRESS = "off"
    url = reverse("intake:new")
    assert [student_client.post(url, form_data(beijing)).status_code for _ in range(2)] == [302, 429]
    settings.JIESU_INTAKE_RATE_PERSON = "off"
    assert [student_client.post(url, form_data(beijing)).status_code for _ in range(3)] == [302, 302, 302]
    assert Ticket.objects.count() == 4


def test_an_oversized_form_is_a_413_page(student_client: Client, beijing, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = student_client.post(reverse("intake:new"), form_data(beijing, content="暖" * 1500))
    assert response.status_code == 413
    assert response.templates and response.templates[0].name == "web/error.html"
    assert not Ticket.objects.exists()


def test_every_forms_dates_stay_within_2000_to_2100(handling_ticket, person) -> None:
    """A planned date in year 9999 is refused beside the field, like a control character (one base form)."""
    from jiesu.tickets.forms import InitialReplyForm

    ticket, officer = handling_ticket("direct"), person("officer")
    form = InitialReplyForm(
        data={"body": "已安排", "planned_date": "9999-12-31"}, ticket=ticket, user=officer
    )
    assert not form.is_valid() and "planned_date" in form.errors
