"""The demo's channel records (R2.1, R2.2, R2.4, R2.5): written through the apps' services by `jiesu demo-data`."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from jiesu import privacy
from jiesu.channels.models import (
    Booking,
    ChannelLog,
    Petition,
    PetitionStep,
    ReceptionSession,
    ReceptionSlot,
    Symposium,
    SymposiumIssue,
)
from jiesu.demo import channels
from jiesu.mailbox import selectors
from jiesu.mailbox.models import Box, Letter, LetterLog, Publication, Route
from jiesu.org.models import User
from jiesu.tickets.models import Channel, Event, Note, Ticket
from jiesu.tickets.states import Status
from jiesu.workcalendar.clocks import SHANGHAI

NOW = dt.datetime(2026, 3, 20, 15, 30, tzinfo=SHANGHAI)  # a Friday afternoon in the spring semester


@pytest.fixture
def loaded(demo_org: None) -> channels.Summary:
    with time_machine.travel(NOW, tick=False):
        summary = channels.load(seed=2026)
    assert summary is not None
    return summary


def _counts() -> tuple[int, ...]:
    models = (Ticket, Event, Letter, LetterLog, Publication, ReceptionSession, Booking, Symposium, Petition)
    return (*(m.objects.count() for m in models), PetitionStep.objects.count(), ChannelLog.objects.count())


@pytest.mark.django_db
def test_letters_wait_on_the_desk_and_answered_ones_are_on_the_board(loaded: channels.Summary) -> None:
    """R2.2: letters to both boxes, some anonymous, some on the Office's desk, at least ten on the board with
    no phone number or other personal data, one or two instructed by a leader and dispatched privately."""
    letters = Letter.objects.select_related("ticket")
    assert 20 <= letters.count() <= 40
    assert {letter.box for letter in letters} == set(Box.values)
    assert any(letter.ticket.anonymous for letter in letters)
    assert all(letter.ticket.channel == Channel.MAILBOX for letter in letters)
    queues = selectors.office_queues()
    assert queues["triage"].count() >= 3
    board = list(selectors.board())
    assert len(board) >= 10
    for entry in board:
        for text in (entry.title, entry.question, entry.answer):
            assert not privacy.find(text), text
            assert not re.search(r"1[3-9]\d{9}", text)
    private = letters.filter(route=Route.PRIVATE, ticket__status=Status.DISPATCHED)
    assert 1 <= private.count() <= 2
    for letter in private:
        assert Note.objects.filter(ticket=letter.ticket, kind=Note.Kind.INSTRUCTION).exists()
        assert not Publication.objects.filter(letter=letter).exists()
    # Each step left its audit rows: the letter's own log and the ticket's history.
    published = Letter.objects.filter(publication__isnull=False).first()
    assert published is not None
    assert list(published.log.values_list("action", flat=True)) == ["write", "route", "publish"]
    assert published.ticket.events.filter(action="dispatch").exists()


@pytest.mark.django_db
def test_the_rota_of_the_coming_weeks_has_free_places(loaded: channels.Summary) -> None:
    """R2.1: published reception days for the next four weeks, each with 2–4 slots, booked but not full."""
    with time_machine.travel(NOW, tick=False):
        sessions = list(ReceptionSession.objects.order_by("day"))
    assert len(sessions) == 4
    today = NOW.date()
    assert today < sessions[0].day and sessions[-1].day <= today + dt.timedelta(weeks=5)
    assert len({s.leader_id for s in sessions}) == 4
    for session in sessions:
        slots = list(ReceptionSlot.objects.filter(session=session))
        assert 2 <= len(slots) <= 4
        assert all(slot.booked < slot.capacity for slot in slots)
    assert Booking.objects.exclude(requester__username="student").exists()


@pytest.mark.django_db
def test_symposiums_and_petitions_are_recorded(loaded: channels.Summary) -> None:
    """R2.4: the four organizers schedule one each; one held, its issues turned into tickets. R2.5: petitions
    with their steps, a report upward among them."""
    assert Symposium.objects.values("organizer").distinct().count() == 4
    held = Symposium.objects.get(status=Symposium.Status.RECORDED)
    issues = SymposiumIssue.objects.filter(symposium=held)
    assert issues.count() >= 2 and not issues.filter(ticket__isnull=True).exists()
    assert Ticket.objects.filter(channel=Channel.SYMPOSIUM, status=Status.DISPATCHED).exists()
    assert Petition.objects.count() >= 3
    assert PetitionStep.objects.filter(kind=PetitionStep.Kind.REPORTED).exclude(reported_to="").exists()
    assert PetitionStep.objects.filter(kind=PetitionStep.Kind.FEEDBACK).exists()


@pytest.mark.django_db
def test_the_demo_student_sees_requests_a_letter_and_a_booking(
    loaded: channels.Summary, password: str
) -> None:
    """The documented `student` account's home shows its requests (one open, one replied), its letter and
    its booking."""
    student = User.objects.get(username="student")
    mine = Ticket.objects.filter(requester=student)
    assert mine.filter(status=Status.REPLIED).exists()
    assert mine.exclude(status__in=(Status.REPLIED, Status.CLOSED)).filter(channel=Channel.WEB).exists()
    letter = Letter.objects.get(ticket__requester=student)
    booking = Booking.objects.select_related("session").get(requester=student)
    client = Client()
    client.force_login(student)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/requests/mine/").content.decode()
    for ticket in mine:
        assert ticket.number in page
    assert letter.ticket.number in page or letter.ticket.subject in page
    assert booking.session.place in page


@pytest.mark.django_db
def test_running_again_changes_nothing(loaded: channels.Summary) -> None:
    """Idempotent: with channel records present the step writes nothing."""
    before = _counts()
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert channels.load(seed=2026) is None
        call_command(
            "demo-data", "--tickets", "5", "--days", "3", "--if-empty", "--quiet", stdout=io.StringIO()
        )
    assert _counts() == before


@pytest.mark.django_db
def test_the_command_writes_them_after_the_tickets(demo_org: None) -> None:
    """`jiesu demo-data` writes the channel records after its tickets, once; --no-channels skips them."""
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "demo-data",
            "--tickets",
            "8",
            "--days",
            "5",
            "--seed",
            "4",
            "--quiet",
            "--no-channels",
            stdout=out,
        )
        assert not Letter.objects.exists()
        call_command("demo-data", "--tickets", "8", "--if-empty", "--quiet", stdout=out)  # make demo, again
    assert re.search(r"wrote \d+ letters \(\d+ on the board\)", out.getvalue())
    assert Publication.objects.count() >= 10 and ReceptionSession.objects.count() == 4
