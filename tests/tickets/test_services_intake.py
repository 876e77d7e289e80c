"""Intake (R1, R2, R4.1) through ``services.ticket_create``: who may record what, and the rules on the fields.
A refused request writes nothing: no ticket, no history, no number consumed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from jiesu.tickets import services
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Clock, Event, Ticket, TicketSequence
from jiesu.tickets.services.base import tracking_code_matches
from jiesu.tickets.states import Status
from tests.support import HEATING, beijing, unit, user


def _office(**fields: Any) -> Ticket:
    """A duty-room call recorded by the Office, with the given field overrides."""
    values: dict[str, Any] = {
        "actor": user("duty"),
        "channel": "duty_room",
        "type": "help",
        "campus": beijing(),
        "content": HEATING,
        "requester_name": "王老师",
        "contact_phone": "13800001111",
    }
    values.update(fields)
    return services.ticket_create(**values).ticket


def _nothing_written() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        Event.objects.count(),
        Clock.objects.count(),
        TicketSequence.objects.count(),
    )


REFUSALS = [
    pytest.param({"urgent": True}, "urgent_reason", id="R1.5-urgent-needs-reason"),
    pytest.param({"urgent": True, "urgent_reason": "   "}, "urgent_reason", id="R1.5-blank-reason"),
    pytest.param({"anonymous": True}, "anonymous", id="R1.3-anonymous-only-mailbox"),
    pytest.param({"contact_phone": "", "contact_email": ""}, "contact_phone", id="R1.2-contact-needed"),
    pytest.param({"requester_name": ""}, "requester_name", id="R1.2-name-needed"),
    pytest.param({"contact_phone": "138-abc"}, "contact_phone", id="phone-digits-only"),
    pytest.param({"content": "  \n "}, "content", id="content-needed"),
    pytest.param({"content": "修" * 5001}, "content", id="content-too-long"),
    pytest.param({"channel": "fax"}, "channel", id="unknown-channel"),
    pytest.param({"type": "praise"}, "type", id="unknown-type"),
    pytest.param(
        {"channel": "referral", "actor_name": "dispatcher"}, "source_name", id="R2.6-referral-needs-source"
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "field"), REFUSALS)
def test_field_rules_refuse_and_write_nothing(fields: dict[str, Any], field: str, demo_org: None) -> None:
    """Each rule on the recorded facts refuses with a DomainError naming the field, and nothing is written."""
    fields = dict(fields)
    if "actor_name" in fields:
        fields["actor"] = user(fields.pop("actor_name"))
    before = _nothing_written()
    with pytest.raises(DomainError) as refused:
        _office(**fields)
    assert refused.value.field == field
    assert str(refused.value)
    assert _nothing_written() == before


@pytest.mark.django_db
def test_received_at_may_not_be_in_the_future(demo_org: None) -> None:
    """R1.2: the time received is a fact; more than a minute ahead of now is refused, the past is fine."""
    with pytest.raises(DomainError) as refused:
        _office(received_at=timezone.now() + dt.timedelta(minutes=5))
    assert refused.value.field == "received_at"
    earlier = timezone.now() - dt.timedelta(hours=3, seconds=17)
    ticket = _office(received_at=earlier)
    assert ticket.received_at == earlier.replace(second=0, microsecond=0), "to the minute"


@pytest.mark.django_db
def test_referral_records_its_source(demo_org: None) -> None:
    """R2.6: a referral keeps the referring body, its reference number and its own deadline."""
    due = timezone.now() + dt.timedelta(days=3)
    ticket = _office(
        actor=user("dispatcher"),
        channel="referral",
        source_name="12345市民服务热线",
        source_reference="GD-2026-0001",
        source_due_at=due,
    )
    assert (ticket.source_name, ticket.source_reference, ticket.source_due_at) == (
        "12345市民服务热线",
        "GD-2026-0001",
        due,
    )
    assert ticket.status == Status.NEW


@pytest.mark.django_db
def test_anonymous_mailbox_letter_keeps_no_contact(demo_org: None) -> None:
    """R1.3: a mailbox letter may be anonymous; then no name or contact is stored, and it needs none."""
    ticket = _office(
        actor=user("dispatcher"),
        channel="mailbox",
        anonymous=True,
        requester_name="某同学",
        contact_phone="13800001111",
    )
    assert ticket.anonymous and ticket.requester_name == "" and ticket.contact_phone == ""
    kinds = set(Clock.objects.filter(ticket=ticket).values_list("kind", flat=True))
    # R4.7: a letter is triaged, not on the same-day dispatch clock; R4.0: its response clock starts at dispatch.
    assert kinds == {"mailbox"}


@pytest.mark.django_db
def test_urgent_with_reason_is_recorded(demo_org: None) -> None:
    """R1.5: urgent with its reason."""
    ticket = _office(urgent=True, urgent_reason="  宿舍漏水严重  ")
    assert ticket.urgent and ticket.urgent_reason == "宿舍漏水严重"


WHO = [
    pytest.param("officer", "duty_room", None, id="office-channel-by-unit-officer"),
    pytest.param("student", "duty_room", None, id="office-channel-by-requester"),
    pytest.param("library_officer", "hotline", "logistics", id="hotline-for-another-unit"),
    pytest.param("dispatcher", "hotline", "logistics", id="hotline-by-office-not-member"),
    pytest.param("leader", "petition", None, id="petition-by-leader"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "channel", "receiving"), WHO)
def test_only_the_right_receiver_records_a_channel(
    username: str, channel: str, receiving: str | None, demo_org: None
) -> None:
    """R2: Office channels are recorded by the Office, hotline calls and visits by the receiving unit's people."""
    before = _nothing_written()
    with pytest.raises(NotAllowed):
        _office(actor=user(username), channel=channel, receiving_unit=unit(receiving) if receiving else None)
    assert _nothing_written() == before


@pytest.mark.django_db
def test_web_requests_are_submitted_by_the_requester_only(demo_org: None) -> None:
    """R2 web: only the signed-in requester submits for themselves."""
    student = user("student")
    with pytest.raises(NotAllowed):
        services.ticket_create(
            actor=user("teacher"),
            channel="web",
            type="help",
            campus=beijing(),
            content=HEATING,
            requester=student,
            contact_phone="13800001111",
        )
    with pytest.raises(NotAllowed):
        services.ticket_create(
            actor=None,
            channel="web",
            type="help",
            campus=beijing(),
            content=HEATING,
            requester=student,
            contact_phone="13800001111",
        )
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_hotline_call_is_led_by_the_receiving_unit(demo_org: None) -> None:
    """R2: a direct channel makes the receiving unit the lead unit; it awaits acknowledgement, no dispatch clock."""
    ticket = _office(actor=user("officer"), channel="hotline", receiving_unit=unit("logistics"))
    assert ticket.status == Status.DISPATCHED
    assert ticket.lead_unit == unit("logistics") == ticket.receiving_unit
    assert set(Clock.objects.filter(ticket=ticket).values_list("kind", flat=True)) == {"response"}


@pytest.mark.django_db
def test_acknowledged_on_the_call_meets_the_response_clock(demo_org: None) -> None:
    """R4.1: a call answered on the spot is acknowledged at intake: two events, response clock met on time."""
    ticket = _office(
        actor=user("officer"), channel="walk_in", receiving_unit=unit("logistics"), acknowledge=True
    )
    assert ticket.status == Status.HANDLING
    assert list(Event.objects.filter(ticket=ticket).values_list("action", "from_status", "to_status")) == [
        ("create", "-", "dispatched"),
        ("acknowledge", "dispatched", "handling"),
    ]
    response = Clock.objects.get(ticket=ticket, kind="response")
    assert response.met_at is not None and response.on_time is True
    assert Ticket.objects.get(pk=ticket.pk).status == Status.HANDLING


@pytest.mark.django_db
def test_number_and_tracking_code(demo_org: None) -> None:
    """R1: YYYYMMDD-NNNNNN numbers count per day of receipt; only the tracking code's hash is stored."""
    created = services.ticket_create(
        actor=user("duty"),
        channel="duty_room",
        type="help",
        campus=beijing(),
        content=HEATING,
        requester_name="王老师",
        contact_phone="13800001111",
    )
    second = _office()
    day = timezone.localtime(created.ticket.received_at).strftime("%Y%m%d")
    assert created.ticket.number == f"{day}-000001" and second.number == f"{day}-000002"
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{10}", created.tracking_code)
    assert created.tracking_code not in created.ticket.tracking_code_hash
    assert tracking_code_matches(created.ticket, created.tracking_code.lower())
    assert not tracking_code_matches(second, created.tracking_code)
    backdated = _office(received_at=timezone.now() - dt.timedelta(days=2))
    assert backdated.number.endswith("-000001"), "a backdated request is numbered in its own day"


@pytest.mark.django_db
def test_requester_defaults_fill_name_and_contact(demo_org: None) -> None:
    """R1.2: a signed-in requester's name, kind and contact are taken from their account."""
    student = user("student")
    ticket = services.ticket_create(
        actor=student,
        channel="web",
        type="consultation",
        campus=beijing(),
        content="图书馆周末几点开门？",
        requester=student,
    ).ticket
    assert ticket.requester_name == student.full_name
    assert ticket.requester_kind == student.kind
    assert ticket.contact_email == student.email
    assert ticket.subject == "图书馆周末几点开门？"


def test_tracking_codes_are_ten_unambiguous_characters_drawn_uniformly() -> None:
    """R10.1: the requester's secret code — ten characters without 0/O or 1/I/L — with every character and
    position in use (one random draw per code, written in base 31)."""
    from jiesu.tickets.services.base import TRACKING_ALPHABET, TRACKING_LENGTH, new_tracking_code

    codes = [new_tracking_code() for _ in range(3000)]
    assert all(len(c) == TRACKING_LENGTH and set(c) <= set(TRACKING_ALPHABET) for c in codes)
    assert len(set(codes)) == len(codes)
    for position in range(TRACKING_LENGTH):
        seen = [c[position] for c in codes]
        assert set(seen) == set(TRACKING_ALPHABET)  # 3,000 draws of 31 characters: each appears
        assert max(seen.count(ch) for ch in TRACKING_ALPHABET) < 3000 / 31 * 1.6  # no character favoured
