"""R5.3: importing a year's official arrangement recomputes every open deadline that depends on it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiesu.tickets.models import Clock, Event
from jiesu.workcalendar.importing import parse_calendar_csv
from jiesu.workcalendar.services import calendar_import

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_import_clears_provisional_and_moves_the_reply_deadline(handling_ticket) -> None:
    """A direct reply received on 2026-12-31 is due at the end of the next working day. 2027 is on fallback data
    (provisional, Mon 2027-01-04). Importing 2027 with Jan 4 as a holiday moves it to Jan 5 and clears provisional."""
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI), tick=False):
        ticket = handling_ticket("direct")
    clock = Clock.objects.get(ticket=ticket, kind="reply")
    assert clock.due_at == dt.datetime(2027, 1, 5, 0, 0, tzinfo=SHANGHAI)
    assert clock.provisional is True

    csv_text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦调休\n"
    calendar_import(rows=parse_calendar_csv(csv_text), actor=None, filename="2027.csv")

    clock.refresh_from_db()
    ticket.refresh_from_db()
    assert clock.superseded_at is not None, "R4.9: the old clock ends superseded, never rewritten"
    clock = Clock.objects.live().get(ticket=ticket, kind="reply")
    assert clock.due_at == dt.datetime(2027, 1, 6, 0, 0, tzinfo=SHANGHAI)
    assert clock.provisional is False
    assert ticket.next_due_at == clock.due_at or ticket.next_clock != "reply"
    event = Event.objects.get(ticket=ticket, action="recompute_deadlines")
    assert "2027-01-05" in event.before["reply"] and "2027-01-06" in event.after["reply"]
