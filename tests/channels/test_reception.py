"""Leaders' reception day (R2.1): the rota, bookings without double booking, the reminder, visits, tickets."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from jiesu.channels import selectors, services
from jiesu.channels.models import Booking, BookingTicket, ChannelLog, ReceptionSlot
from jiesu.notify.models import Notification
from jiesu.tickets.errors import Conflict, DomainError, NotAllowed
from jiesu.tickets.models import Channel, Note, Ticket
from jiesu.tickets.permissions import visible_tickets
from jiesu.tickets.states import Status
from tests.channels.conftest import DAY
from tests.support import at, beijing, told, user


def _slot(session) -> ReceptionSlot:
    return session.slots.get()


def test_the_office_publishes_a_day_with_slots(session) -> None:
    """The rota names the leader, the day, the place and each slot with its places; the log says who did it."""
    slot = _slot(session)
    assert (slot.starts, slot.ends, slot.capacity, slot.booked) == (dt.time(9), dt.time(9, 30), 1, 0)
    assert ChannelLog.objects.filter(action="session_create", actor=user("dispatcher")).exists()
    assert list(selectors.upcoming_sessions()) == [session]


@pytest.mark.parametrize(
    ("who", "leader", "day", "error"),
    [
        ("student", "leader", DAY, NotAllowed),
        ("dispatcher", "head", DAY, DomainError),  # not a school leader
        ("dispatcher", "leader", dt.date(2026, 12, 1), DomainError),  # in the past
    ],
)
def test_a_rota_is_published_only_by_the_office_for_a_leader_from_today(
    monday, who, leader, day, error
) -> None:
    with pytest.raises(error):
        services.session_create(
            actor=user(who),
            leader=user(leader),
            day=day,
            place="行政楼",
            campus=beijing(),
            slots=[(dt.time(9), dt.time(10))],
            capacity=1,
        )
    assert not ChannelLog.objects.exists()


def test_booking_takes_a_place_and_a_full_slot_is_refused_in_chinese(session) -> None:
    """The last place goes to the first; the next is told the slot is full, and nothing is written."""
    slot = _slot(session)
    services.booking_create(actor=user("student"), slot=slot, topic="宿舍楼暖气问题")
    with pytest.raises(Conflict) as refused:
        services.booking_create(actor=user("teacher"), slot=slot, topic="停车难")
    assert "该时段已约满" in str(refused.value)
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Booking.objects.count() == 1


def test_no_double_booking_of_one_day_by_one_person(session) -> None:
    slot = _slot(session)
    second = ReceptionSlot.objects.create(
        session=session, starts=dt.time(10), ends=dt.time(10, 30), capacity=3
    )
    services.booking_create(actor=user("student"), slot=slot, topic="暖气")
    with pytest.raises(Conflict):
        services.booking_create(actor=user("student"), slot=second, topic="又一次")
    second.refresh_from_db()
    assert second.booked == 0


def test_the_database_refuses_overbooking_and_double_booking(session) -> None:
    """The constraints stand even if a service were bypassed."""
    slot = _slot(session)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceptionSlot.objects.filter(pk=slot.pk).update(booked=F("capacity") + 1)
    student = user("student")
    Booking.objects.create(
        session=session, slot=slot, requester=student, topic="一", booked_at=at(2026, 12, 7)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            session=session, slot=slot, requester=student, topic="二", booked_at=at(2026, 12, 7)
        )


def test_cancelling_frees_the_place(session) -> None:
    slot = _slot(session)
    booking = services.booking_create(actor=user("student"), slot=slot, topic="暖气")
    with pytest.raises(NotAllowed):
        services.booking_cancel(actor=user("teacher"), booking=booking)
    services.booking_cancel(actor=user("student"), booking=booking)
    slot.refresh_from_db()
    assert slot.booked == 0
    services.booking_create(actor=user("teacher"), slot=slot, topic="停车难")  # the place is free again


@pytest.mark.parametrize(
    ("topic", "field"),
    [("", "topic"), ("长" * 501, "topic"), ("暖气\x00", "topic")],
)
def test_a_bad_topic_is_refused_and_nothing_is_written(session, topic, field) -> None:
    slot = _slot(session)
    with pytest.raises(DomainError) as refused:
        services.booking_create(actor=user("student"), slot=slot, topic=topic)
    assert refused.value.field == field
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Booking.objects.exists()


def test_reminder_the_day_before_once(session, monday) -> None:
    """The sweep reminds each booking once on the day before, not earlier, not twice."""
    booking = services.booking_create(actor=user("student"), slot=_slot(session), topic="暖气")
    assert services.reception_reminders(now=at(2026, 12, 7, 12)) == 0  # two days before
    assert services.reception_reminders(now=at(2026, 12, 8, 9)) >= 1
    assert services.reception_reminders(now=at(2026, 12, 8, 9, 1)) == 0
    booking.refresh_from_db()
    assert booking.reminded_at == at(2026, 12, 8, 9)
    assert told("reception_reminder") == {"student"}
    note = Notification.objects.get(event="reception_reminder")
    assert "行政楼101接待室" in note.body and "09:00" in note.body


def test_a_cancelled_booking_is_not_reminded(session) -> None:
    booking = services.booking_create(actor=user("student"), slot=_slot(session), topic="暖气")
    services.booking_cancel(actor=user("student"), booking=booking)
    assert services.reception_reminders(now=at(2026, 12, 8, 9)) == 0


def test_the_visit_becomes_tickets_with_the_leaders_instruction(session, monday) -> None:
    """On the day the Office records the visit and makes two tickets; each carries the leader's instruction as an
    R6.3 instruction, awaits dispatch, and is the visitor's own ticket."""
    booking = services.booking_create(actor=user("student"), slot=_slot(session), topic="宿舍楼暖气不热")
    with pytest.raises(DomainError):  # not before the day
        services.booking_record_visit(actor=user("dispatcher"), booking=booking, attended=True, notes="")
    monday.move_to(at(2026, 12, 9, 9, 40))
    with pytest.raises(Conflict):  # a ticket needs an attended visit
        services.booking_ticket_create(
            actor=user("dispatcher"), booking=booking, content="暖气", instruction="修"
        )
    services.booking_record_visit(actor=user("dispatcher"), booking=booking, attended=True, notes="学生到场")
    tickets = [
        services.booking_ticket_create(
            actor=user("dispatcher"), booking=booking, content=text, instruction="请后勤处三日内解决"
        )
        for text in ("宿舍楼3号楼暖气不热", "宿舍楼热水供应不稳定")
    ]
    for ticket in tickets:
        assert (ticket.channel, ticket.status, ticket.requester) == (
            Channel.RECEPTION_DAY,
            Status.NEW,
            user("student"),
        )
        note = Note.objects.get(ticket=ticket, kind=Note.Kind.INSTRUCTION)
        assert (note.leader, note.body) == (user("leader"), "请后勤处三日内解决")
    assert BookingTicket.objects.filter(booking=booking).count() == 2
    assert set(visible_tickets(user("student")).filter(channel=Channel.RECEPTION_DAY)) == set(tickets)
    assert [len(b.tickets.all()) for b in selectors.bookings_for(user("student"))] == [2]


def test_a_visit_is_recorded_once_and_only_by_the_office(session, monday) -> None:
    booking = services.booking_create(actor=user("student"), slot=_slot(session), topic="暖气")
    monday.move_to(at(2026, 12, 9, 11))
    with pytest.raises(NotAllowed):
        services.booking_record_visit(actor=user("student"), booking=booking, attended=True, notes="")
    services.booking_record_visit(actor=user("dispatcher"), booking=booking, attended=False, notes="")
    with pytest.raises(Conflict):
        services.booking_record_visit(actor=user("dispatcher"), booking=booking, attended=True, notes="")
    with pytest.raises(Conflict):  # no ticket from a no-show
        services.booking_ticket_create(
            actor=user("dispatcher"), booking=booking, content="暖气", instruction="修"
        )


def test_a_refused_ticket_leaves_nothing_half_written(session, monday) -> None:
    """An instruction with a NUL byte is refused after the ticket would have been made: no ticket, no link."""
    booking = services.booking_create(actor=user("student"), slot=_slot(session), topic="暖气")
    monday.move_to(at(2026, 12, 9, 11))
    services.booking_record_visit(actor=user("dispatcher"), booking=booking, attended=True, notes="")
    before = Ticket.objects.count()
    with pytest.raises(DomainError):
        services.booking_ticket_create(
            actor=user("dispatcher"), booking=booking, content="暖气", instruction="修\x00"
        )
    with pytest.raises(DomainError):
        services.booking_ticket_create(
            actor=user("dispatcher"), booking=booking, content="", instruction="修"
        )
    assert Ticket.objects.count() == before
    assert not BookingTicket.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections at once (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_place_get_one_booking(demo_org) -> None:
    """The slot row is locked: of two bookings at once for one place, one succeeds and one is told it is full."""
    import time_machine  # noqa: PLC0415

    with time_machine.travel(at(2026, 12, 7, 10), tick=True):
        session = services.session_create(
            actor=user("dispatcher"),
            leader=user("leader"),
            day=DAY,
            place="行政楼",
            campus=beijing(),
            slots=[(dt.time(9), dt.time(10))],
            capacity=1,
        )
        slot = session.slots.get()
        results: list[str] = []

        def book(name: str) -> None:
            try:
                services.booking_create(actor=user(name), slot=slot, topic="暖气")
                results.append("ok")
            except Conflict:
                results.append("full")
            finally:
                connection.close()

        threads = [threading.Thread(target=book, args=(n,)) for n in ("student", "teacher")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == ["full", "ok"]
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_the_requesters_home_lists_their_bookings_and_nobody_elses(session) -> None:
    """Issue 15 item 9: a requester's home shows their reception-day bookings beside their requests; another
    person's booking is not on it."""
    from tests.support import signed_in

    services.booking_create(actor=user("student"), slot=_slot(session), topic="宿舍楼暖气问题")
    mine = signed_in("student").get("/requests/mine/").content.decode()
    assert 'data-section="bookings"' in mine and "我的接待日预约" in mine
    assert mine.count('data-testid="booking"') == 1 and "宿舍楼暖气问题" in mine
    other = signed_in("teacher").get("/requests/mine/").content.decode()
    assert other.count('data-testid="booking"') == 0 and "宿舍楼暖气问题" not in other


def test_the_booking_card_names_a_visits_ticket_as_the_requester_reads_it(session, monday) -> None:
    """Issue 15 item 9: the ticket made from a visit is shown on the requester's booking card in the words the
    requester reads everywhere else, never the Office's workflow state."""
    from django.utils import translation

    from jiesu.tickets import vocabulary
    from tests.support import signed_in

    booking = services.booking_create(actor=user("student"), slot=_slot(session), topic="宿舍楼暖气不热")
    monday.move_to(at(2026, 12, 9, 9, 40))
    services.booking_record_visit(actor=user("dispatcher"), booking=booking, attended=True, notes="")
    ticket = services.booking_ticket_create(
        actor=user("dispatcher"),
        booking=booking,
        content="宿舍楼3号楼暖气不热",
        instruction="请后勤处三日内解决",
    )
    page = signed_in("student").get("/requests/mine/").content.decode()
    card = page[page.index('data-testid="booking"') :]
    card = card[card.index(ticket.number) : card.index("</p>", card.index(ticket.number))]
    with translation.override("zh-hans"):
        mine, staff = vocabulary.requester_status(ticket.status), vocabulary.staff_status(ticket.status)
    assert mine != staff
    assert f"({mine})" in card and staff not in card
