"""Staff intake (R2): a unit records its hotline calls and walk-ins; the Office records its own channels.
Repeat candidates (R6.1) appear while typing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import Status

PHONE = "13900001111"


def signed_in(client: Client, person, username: str) -> Client:
    client.force_login(person(username))
    return client


def call(beijing, **overrides: object) -> dict[str, object]:
    """A phone call as the recorder types it."""
    data: dict[str, object] = {
        "channel": "hotline",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "requester_name": "王同学",
        "requester_kind": "student",
        "campus": beijing.pk,
        "contact_phone": PHONE,
        "type": "help",
        "content": "学生公寓5号楼热水器坏了，洗不了澡。",
    }
    data.update(overrides)
    return data


def channel_values(response) -> list[str]:
    return [value for value, _label in response.context["form"].fields["channel"].choices]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "channels"),
    [
        ("officer", ["hotline", "walk_in"]),
        ("handler", ["hotline", "walk_in"]),
        ("duty", ["duty_room", "mailbox", "reception_day", "symposium", "petition", "referral"]),
        ("dispatcher", ["duty_room", "mailbox", "reception_day", "symposium", "petition", "referral"]),
    ],
)
def test_only_the_channels_the_person_may_record_are_offered(
    client: Client, person, username, channels
) -> None:
    """R2: unit members see their direct channels, the Office its own."""
    response = signed_in(client, person, username).get(reverse("intake:staff"))
    assert response.status_code == 200
    assert channel_values(response) == channels


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["student", "leader", "assessor"])
def test_people_who_record_nothing_are_refused(client: Client, person, username: str) -> None:
    """Requesters, leaders and assessors receive no calls in the system: 403 on the page and the partial."""
    signed_in(client, person, username)
    assert client.get(reverse("intake:staff")).status_code == 403
    assert client.get(reverse("intake:repeats"), {"content": "暖气"}).status_code == 403


@pytest.mark.django_db
def test_officer_records_a_hotline_call_acknowledged_on_the_call(
    client: Client, person, unit, beijing
) -> None:
    """R2: the receiving unit leads; acknowledging on the call meets the response clock (R4.1)."""
    signed_in(client, person, "officer")
    response = client.post(
        reverse("intake:staff"), call(beijing, receiving_unit=unit("logistics").pk, acknowledge="on")
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.lead_unit, ticket.status) == (
        "hotline",
        unit("logistics"),
        Status.HANDLING,
    )
    assert ticket.recorded_by == person("officer") and ticket.requester is None
    assert ticket.clocks.get(kind="response").met_at is not None
    assert client.get(reverse("intake:created")).context["shown"]["number"] == ticket.number


@pytest.mark.django_db
def test_walk_in_without_acknowledging_waits_for_acknowledgement(
    client: Client, person, unit, beijing
) -> None:
    """Without the box ticked the ticket awaits acknowledgement by its lead unit."""
    signed_in(client, person, "handler")
    client.post(
        reverse("intake:staff"), call(beijing, channel="walk_in", receiving_unit=unit("logistics").pk)
    )
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.status, ticket.lead_unit) == (
        "walk_in",
        Status.DISPATCHED,
        unit("logistics"),
    )


@pytest.mark.django_db
def test_officer_cannot_record_for_another_unit(client: Client, person, unit, beijing) -> None:
    """R2: a hotline officer records only for their own unit; another unit is a form error and nothing is saved."""
    signed_in(client, person, "officer")
    response = client.post(reverse("intake:staff"), call(beijing, receiving_unit=unit("library").pk))
    assert response.status_code == 200
    assert response.context["form"].errors["receiving_unit"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_officer_cannot_use_an_office_channel(client: Client, person, beijing) -> None:
    """An officer posting an Office channel gets a form error."""
    signed_in(client, person, "officer")
    response = client.post(reverse("intake:staff"), call(beijing, channel="duty_room"))
    assert response.status_code == 200 and response.context["form"].errors["channel"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_duty_operator_records_a_duty_room_call(client: Client, person, beijing) -> None:
    """(c) A duty-room call awaits the Office's dispatch, received at the minute given."""
    signed_in(client, person, "duty")
    received = timezone.localtime() - dt.timedelta(minutes=30)
    response = client.post(
        reverse("intake:staff"),
        call(
            beijing,
            channel="duty_room",
            urgent="on",
            urgent_reason="暖气漏水，水已流到楼道",
            received_at=received.strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.status, ticket.lead_unit) == ("duty_room", Status.NEW, None)
    assert ticket.urgent and ticket.urgent_reason == "暖气漏水，水已流到楼道"
    assert ticket.received_at == received.replace(second=0, microsecond=0)
    assert ticket.recorded_by == person("duty")


@pytest.mark.django_db
def test_urgent_needs_a_reason(client: Client, person, beijing) -> None:
    """R1.5: urgent without a reason is refused beside the reason field."""
    signed_in(client, person, "duty")
    response = client.post(reverse("intake:staff"), call(beijing, channel="duty_room", urgent="on"))
    assert response.status_code == 200 and response.context["form"].errors["urgent_reason"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_anonymous_only_for_the_mailbox(client: Client, person, beijing) -> None:
    """R1.3: an anonymous duty-room call is refused; an anonymous mailbox letter keeps no name or contact."""
    signed_in(client, person, "dispatcher")
    response = client.post(reverse("intake:staff"), call(beijing, channel="duty_room", anonymous="on"))
    assert response.status_code == 200 and response.context["form"].errors["anonymous"]
    assert not Ticket.objects.exists()
    response = client.post(
        reverse("intake:staff"),
        call(beijing, channel="mailbox", anonymous="on", requester_name="", contact_phone=""),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.anonymous and ticket.requester_name == "" and ticket.contact_phone == ""


@pytest.mark.django_db
def test_referral_records_its_source(client: Client, person, beijing) -> None:
    """R2.6: a referral needs its source; the reference and the source's own deadline are kept."""
    signed_in(client, person, "dispatcher")
    response = client.post(reverse("intake:staff"), call(beijing, channel="referral"))
    assert response.status_code == 200 and response.context["form"].errors["source_name"]
    due = (timezone.localtime() + dt.timedelta(days=5)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("intake:staff"),
        call(
            beijing,
            channel="referral",
            source_name="12345市民服务热线",
            source_reference="GD2026-0042",
            source_due_at=due.strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.source_name, ticket.source_reference, ticket.source_due_at) == (
        "12345市民服务热线",
        "GD2026-0042",
        due,
    )


@pytest.mark.django_db
def test_linking_a_person_by_number_puts_the_request_in_their_list(client: Client, person, beijing) -> None:
    """A recorded call linked to the caller's account appears among their own requests (R10.1)."""
    student = person("student")
    student.number = "2024010101"
    student.save(update_fields=["number"])
    signed_in(client, person, "duty")
    client.post(
        reverse("intake:staff"),
        call(beijing, channel="duty_room", requester_number="2024010101", requester_name=""),
    )
    ticket = Ticket.objects.get()
    assert ticket.requester == student and ticket.requester_name == student.full_name
    response = client.post(
        reverse("intake:staff"), call(beijing, channel="duty_room", requester_number="nobody")
    )
    assert response.context["form"].errors["requester_number"]


@pytest.fixture
def earlier_calls(person, beijing) -> dict[str, Ticket]:
    """Two earlier duty-room calls from the same phone: one about hot water, one about the library."""
    duty = person("duty")
    made = {}
    for key, content in (
        ("water", "学生公寓5号楼热水器坏了，没有热水洗澡。"),
        ("library", "图书馆周末开放时间太短，希望延长到晚上十点。"),
    ):
        made[key] = services.ticket_create(
            actor=duty,
            channel="duty_room",
            type="help",
            campus=beijing,
            content=content,
            requester_name="王同学",
            contact_phone=PHONE,
        ).ticket
    return made


@pytest.mark.django_db
def test_repeat_candidates_rank_the_similar_ticket_first(client: Client, person, earlier_calls) -> None:
    """R6.1: the same phone's tickets of the last 90 days, most similar first."""
    signed_in(client, person, "duty")
    response = client.get(
        reverse("intake:repeats"),
        {"contact_phone": PHONE, "content": "5号楼热水器又坏了，没有热水"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    numbers = [row["ticket"].number for row in response.context["rows"]]
    assert numbers[0] == earlier_calls["water"].number
    html = response.content.decode()
    assert html.index(earlier_calls["water"].number) < html.find(earlier_calls["library"].number) or (
        earlier_calls["library"].number not in html
    )


@pytest.mark.django_db
def test_repeat_candidates_need_the_same_requester(client: Client, person, earlier_calls) -> None:
    """Another phone number finds no ticket of the same requester (a near-duplicate is named as someone else's,
    issue 16); a probe without content finds nothing."""
    signed_in(client, person, "duty")
    other = client.get(reverse("intake:repeats"), {"contact_phone": "13700000000", "content": "热水器坏了"})
    assert not any(row["same"] for row in other.context["rows"])
    empty = client.get(reverse("intake:repeats"), {"contact_phone": PHONE})
    assert empty.context["rows"] == []


@pytest.mark.django_db
def test_a_unit_officer_is_never_shown_a_candidate_they_may_not_open(
    client: Client, person, earlier_calls
) -> None:
    """R10.3: another unit's (here the Office's) tickets are not candidates at all — no number, date, status or
    similarity score; the answer is the same as for a phone with no requests."""
    signed_in(client, person, "officer")
    response = client.get(
        reverse("intake:repeats"), {"contact_phone": PHONE, "content": "热水器坏了没有热水"}
    )
    html = response.content.decode()
    assert response.context["rows"] == [] and 'data-testid="no-repeat-candidates"' in html
    assert earlier_calls["water"].number not in html and "%" not in html


@pytest.mark.django_db
def test_intake_form_wires_the_htmx_probe(client: Client, person) -> None:
    """The content and contact inputs ask for candidates while typing (debounced)."""
    html = signed_in(client, person, "duty").get(reverse("intake:staff")).content.decode()
    assert 'hx-trigger="keyup changed delay:500ms"' in html
    assert f'hx-get="{reverse("intake:repeats")}"' in html and 'id="repeat-candidates"' in html


@pytest.mark.django_db
def test_repeat_candidates_by_the_chosen_person(client: Client, person, web_ticket) -> None:
    """R6.1: with a student or staff number typed, the person's own earlier requests are the candidates."""
    earlier = web_ticket("宿舍楼3号楼302室暖气不热，室温只有12度，请尽快维修。")
    student = person("student")
    student.number = "2024010101"
    student.save(update_fields=["number"])
    signed_in(client, person, "duty")
    response = client.get(
        reverse("intake:repeats"), {"requester_number": "2024010101", "content": "3号楼暖气还是不热"}
    )
    rows = response.context["rows"]
    assert [row["ticket"].number for row in rows] == [earlier.number]
    assert f'href="/tickets/{earlier.number}/"' in response.content.decode()
