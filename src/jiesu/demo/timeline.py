"""Simulated time for the demo histories: the services' clock and when people are at work.

The services read the time only through ``jiesu.tickets.services.base.now()``; the generator patches it with
``SimClock.now`` so that every event, clock and reply carries the instant the step happened in the story.
"""

from __future__ import annotations

import datetime as dt
import random

from jiesu.workcalendar.clocks import SHANGHAI
from jiesu.workcalendar.core import WorkCalendar

WORK_START = dt.time(8, 30)
WORK_END = dt.time(17, 30)


class Stop(Exception):  # noqa: N818 - a control-flow signal, not an error
    """The story's next step lies after the real present: the ticket stays where it is."""


class SimClock:
    """The present of the story, never beyond the real present ``limit``."""

    def __init__(self, limit: dt.datetime) -> None:
        self.limit = limit
        self.at = limit

    def now(self) -> dt.datetime:
        return self.at

    def set(self, instant: dt.datetime) -> dt.datetime:
        if instant > self.limit:
            raise Stop
        self.at = instant
        return instant


def minutes(rng: random.Random, lo: float, hi: float) -> dt.timedelta:
    return dt.timedelta(minutes=rng.uniform(lo, hi))


def hours(rng: random.Random, lo: float, hi: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.uniform(lo, hi))


def office(rng: random.Random, instant: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """The first moment at or after ``instant`` when the unit is at work (working days, 08:30–17:30)."""
    local = instant.astimezone(SHANGHAI)
    day = local.date()
    if calendar.is_working_day(day):
        if WORK_START <= local.time() < WORK_END:
            return local
        if local.time() < WORK_START:
            return _morning(rng, day)
    return _morning(rng, calendar.add_working_days(day, 1))


def _morning(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, WORK_START, tzinfo=SHANGHAI) + minutes(rng, 0, 75)


def awake(rng: random.Random, instant: dt.datetime) -> dt.datetime:
    """People on call answer any day, but at night only from 08:00 the next morning (R4.1 night window)."""
    local = instant.astimezone(SHANGHAI)
    if 8 <= local.hour < 22:
        return local
    day = local.date() if local.hour < 8 else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=SHANGHAI) + minutes(rng, 0, 100)


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(SHANGHAI).date()
