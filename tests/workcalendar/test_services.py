"""R5.2/R5.3: imports, overrides, the recompute hook and the process cache, against the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiesu.workcalendar import services
from jiesu.workcalendar.clocks import SHANGHAI, reply_due
from jiesu.workcalendar.importing import parse_calendar_csv
from jiesu.workcalendar.models import (
    CalendarChange,
    CalendarChangeAction,
    CalendarOverride,
    OfficialDay,
    OfficialYear,
)
from jiesu.workcalendar.selectors import get_calendar, import_preview

pytestmark = pytest.mark.django_db
D = dt.date

# The 2027 arrangement as an admin would type it (a plausible notice, for the tests).
CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-13,holiday,春节
2027-02-20,workday,春节
"""


def feb4_reply() -> tuple[dt.datetime, bool]:
    deadline = reply_due(
        dt.datetime(2027, 2, 4, 10, tzinfo=SHANGHAI), level="direct", calendar=get_calendar()
    )
    return deadline.due, deadline.provisional


def test_import_makes_years_official_and_clears_provisional(alice) -> None:
    """R5.2/R5.3: importing 2027 marks it official; its deadlines stop being provisional and move."""
    assert feb4_reply() == (dt.datetime(2027, 2, 10, tzinfo=SHANGHAI), True)  # fallback: Feb 9 worked
    record = services.calendar_import(rows=parse_calendar_csv(CSV_2027), actor=alice, filename="2027.csv")
    assert record.years == [2027]
    assert OfficialYear.objects.get(year=2027).source == record
    assert get_calendar().is_official_year(2027)
    # Feb 5–13 off, weekend 13–14: the first working day is Mon Feb 15, due at its end.
    assert feb4_reply() == (dt.datetime(2027, 2, 16, tzinfo=SHANGHAI), False)
    assert get_calendar().is_working_day(D(2027, 2, 20))
    change = CalendarChange.objects.get(action=CalendarChangeAction.IMPORTED)
    assert change.actor == alice
    assert change.years == [2027]


def test_reimport_replaces_the_year(alice) -> None:
    """R5.2: a second import of a year replaces the first one's rows for that year."""
    services.calendar_import(rows=parse_calendar_csv(CSV_2027), actor=alice, filename="a.csv")
    services.calendar_import(
        rows=parse_calendar_csv("date,kind,name\n2027-01-01,holiday,元旦\n"), actor=alice, filename="b.csv"
    )
    assert list(OfficialDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert get_calendar().is_working_day(D(2027, 2, 9))


def test_import_calls_recompute_callbacks_with_the_years(alice) -> None:
    """R5.3: every open deadline depending on the imported years is recomputed, inside the transaction."""
    seen: list[tuple[set[int], bool, bool]] = []

    def recompute(years: set[int]) -> int:
        # The callback sees the new calendar and runs inside the import's transaction.
        seen.append((years, get_calendar().is_official_year(2027), connection.in_atomic_block))
        return 7

    services.register_recompute(recompute)
    services.register_recompute(recompute)  # idempotent
    csv = CSV_2027 + "2028-01-01,holiday,元旦\n"
    record = services.calendar_import(rows=parse_calendar_csv(csv), actor=alice, filename="x.csv")
    assert seen == [({2027, 2028}, True, True)]
    assert record.recomputed == 7


def test_failing_recompute_rolls_the_import_back(alice) -> None:
    """R5.2: nothing is half-imported — a failure anywhere leaves the calendar as it was."""

    def boom(years: set[int]) -> int:
        raise RuntimeError("ticket store down")

    services.register_recompute(boom)
    with pytest.raises(RuntimeError):
        services.calendar_import(rows=parse_calendar_csv(CSV_2027), actor=alice, filename="x.csv")
    assert not OfficialDay.objects.exists()
    assert not OfficialYear.objects.exists()
    assert not get_calendar().is_official_year(2027)


def test_preview_lists_the_changes_without_writing(alice) -> None:
    """R5.2: the preview shows each date whose status changes, and the years leaving the fallback."""
    preview = import_preview(parse_calendar_csv(CSV_2027))
    assert preview.years == [2027]
    assert preview.fallback_years == [2027]
    changed = {c.after.day: (c.before.working, c.after.working) for c in preview.changes}
    assert changed[D(2027, 2, 9)] == (True, False)
    assert changed[D(2027, 2, 20)] == (False, True)
    assert changed[D(2027, 2, 5)] == (False, False)  # same status, new name: 春节（除夕）→ 春节
    assert D(2027, 2, 6) not in changed  # statutory 春节 and imported 春节: nothing changes
    assert not OfficialDay.objects.exists()


def test_override_records_who_and_when_and_wins(alice, root) -> None:
    """R5.2: an override makes a date working or not, with a note, who and when; it beats every source."""
    assert get_calendar().is_working_day(D(2026, 3, 10))
    override = services.override_set(date=D(2026, 3, 10), working=False, note="校园停电", actor=alice)
    assert not get_calendar().is_working_day(D(2026, 3, 10))
    assert (override.created_by, override.updated_by, override.note) == (alice, alice, "校园停电")
    assert override.created_at is not None
    services.override_set(date=D(2026, 3, 10), working=True, note="恢复", actor=root)
    override.refresh_from_db()
    assert (override.created_by, override.updated_by, override.working) == (alice, root, True)
    changes = list(
        CalendarChange.objects.order_by("id").values_list("action", "actor__username", "before", "after")
    )
    assert changes[0][:2] == ("override_set", "alice")
    assert changes[0][2] == {"working": True, "override": False}
    assert changes[1][:2] == ("override_set", "root")
    assert services.override_clear(date=D(2026, 3, 10), actor=root, note="不再需要")
    assert not CalendarOverride.objects.exists()
    assert get_calendar().is_working_day(D(2026, 3, 10))
    assert not services.override_clear(date=D(2026, 3, 10), actor=root)


def test_override_needs_a_note(alice) -> None:
    with pytest.raises(ValueError, match="note"):
        services.override_set(date=D(2026, 3, 10), working=False, note="  ", actor=alice)


def test_override_triggers_recompute(alice) -> None:
    """R5.3: an override changes deadlines too, so its year is recomputed."""
    calls: list[set[int]] = []

    def record(years: set[int]) -> int:
        calls.append(years)
        return 0

    services.register_recompute(record)
    services.override_set(date=D(2027, 6, 1), working=False, note="校庆", actor=alice)
    assert calls == [{2027}]


def test_get_calendar_is_a_couple_of_queries_not_one_per_day(alice) -> None:
    """R5: loading the calendar is a fixed number of queries; using it is none."""
    services.override_set(date=D(2026, 3, 10), working=False, note="x", actor=alice)
    with CaptureQueriesContext(connection) as loading:
        calendar = get_calendar()
    assert len(loading) <= 4
    with CaptureQueriesContext(connection) as using:
        for offset in range(800):
            calendar.is_working_day(D(2026, 1, 1) + dt.timedelta(days=offset))
    assert len(using) == 0
    # Inside a transaction (as in tests) a cached calendar costs one token check, never a reload.
    with CaptureQueriesContext(connection) as again:
        assert get_calendar() is calendar
    assert len(again) == 1
