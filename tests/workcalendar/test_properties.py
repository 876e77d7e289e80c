"""Property-based checks of the clock arithmetic (rules §4, R5)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.workcalendar.clocks import SHANGHAI, Deadline, compute_deadline, reply_due
from jiesu.workcalendar.core import DaySpec, Source, WorkCalendar
from jiesu.workcalendar.sources import compose_calendar

CALENDAR = compose_calendar()
instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001 — hypothesis bounds are naive; timezones= makes them aware
    max_value=dt.datetime(2029, 12, 31, 23, 59),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)
levels = st.sampled_from(["direct", "department", "school"])
clocks = st.sampled_from(
    [
        ("response", {}),
        ("response", {"urgent": True}),
        ("cohandling", {}),
        ("dispatch", {}),
        ("followup", {}),
        ("mailbox", {}),
    ]
    + [("reply", {"level": level}) for level in ("direct", "department", "school")]
)


def due(clock: tuple[str, dict], start: dt.datetime, calendar: WorkCalendar = CALENDAR) -> Deadline:
    name, kwargs = clock
    return compute_deadline(name, start, calendar=calendar, **kwargs)


@given(clock=clocks, start=instants)
def test_due_is_never_before_start(clock: tuple[str, dict], start: dt.datetime) -> None:
    """Rules §4: no clock is due before it starts."""
    assert due(clock, start).due > start


@given(clock=clocks, a=instants, b=instants)
def test_later_start_never_gives_earlier_due(clock: tuple[str, dict], a: dt.datetime, b: dt.datetime) -> None:
    """Rules §4: every clock is monotone in its start (including across the 22:00 / 08:00 edges)."""
    first, second = sorted((a, b))
    assert due(clock, first).due <= due(clock, second).due


@given(level=levels, start=instants)
def test_reply_due_is_the_end_of_a_working_day(level: str, start: dt.datetime) -> None:
    """R4.2: a reply falls due at 00:00 right after a working day that is strictly after the start date."""
    deadline = reply_due(start, level=level, calendar=CALENDAR)
    assert deadline.due.time() == dt.time(0, 0)
    last_day = deadline.due.date() - dt.timedelta(days=1)
    assert CALENDAR.is_working_day(last_day)
    assert last_day > start.date()


@given(
    level=levels,
    start=instants,
    extra=st.sets(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 3, 1)), max_size=15),
)
@settings(max_examples=60)
def test_adding_holidays_never_makes_a_deadline_earlier(
    level: str, start: dt.datetime, extra: set[dt.date]
) -> None:
    """R5.2: making more days non-working can only push a working-day deadline later."""
    more_holidays = compose_calendar(overrides={d: DaySpec(False, "", Source.OVERRIDE) for d in extra})
    before = reply_due(start, level=level, calendar=CALENDAR)
    after = reply_due(start, level=level, calendar=more_holidays)
    assert after.due >= before.due


@given(level=levels, start=instants)
def test_official_data_clears_provisional(level: str, start: dt.datetime) -> None:
    """R5.3: a deadline is provisional exactly while a year it spans has no official data."""
    deadline = reply_due(start, level=level, calendar=CALENDAR)
    last_day = deadline.due.date() - dt.timedelta(days=1)
    spans_fallback = any(y > 2026 for y in range(start.year, last_day.year + 1))
    assert deadline.provisional is spans_fallback
    official = compose_calendar(imported_years=range(2027, 2032))
    assert reply_due(start, level=level, calendar=official).provisional is False
