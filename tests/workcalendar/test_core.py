"""R5.1–R5.3: the pure WorkCalendar — package data, fallback years, working-day arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.workcalendar.core import DayKind, DaySpec, Source, WorkCalendar
from jiesu.workcalendar.sources import compose_calendar, package_years

D = dt.date

# R5.1: the State Council's 2026 arrangement as carried by chinese-calendar 1.11.0 (hand-checked against
# 国办发明电〔2025〕7号).
HOLIDAYS_2026 = [
    *(D(2026, 1, d) for d in (1, 2, 3)),
    *(D(2026, 2, d) for d in range(15, 24)),
    *(D(2026, 4, d) for d in (4, 5, 6)),
    *(D(2026, 5, d) for d in range(1, 6)),
    *(D(2026, 6, d) for d in (19, 20, 21)),
    *(D(2026, 9, d) for d in (25, 26, 27)),
    *(D(2026, 10, d) for d in range(1, 8)),
]
MAKEUP_2026 = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]


def test_package_years_are_official_through_2026(calendar: WorkCalendar) -> None:
    """R5.1: chinese-calendar covers 2004–2026; 2027 and 2028 run on the fallback (R5.3)."""
    assert package_years() == frozenset(range(2004, 2027))
    assert calendar.is_official_year(2026)
    assert not calendar.is_official_year(2027)
    assert not calendar.is_official_year(2028)


@pytest.mark.parametrize("day", HOLIDAYS_2026)
def test_2026_holidays_are_not_working_days(calendar: WorkCalendar, day: dt.date) -> None:
    """R5.1: every day of the 2026 holiday blocks is off."""
    assert not calendar.is_working_day(day)
    assert calendar.describe(day).kind == DayKind.HOLIDAY


@pytest.mark.parametrize("day", MAKEUP_2026)
def test_2026_makeup_days_are_working_days(calendar: WorkCalendar, day: dt.date) -> None:
    """R5.1: the 2026 调休 Saturdays and Sundays are worked."""
    assert day.weekday() >= 5
    assert calendar.is_working_day(day)
    assert calendar.describe(day).kind == DayKind.MAKEUP


def test_2026_has_the_expected_number_of_working_days(calendar: WorkCalendar) -> None:
    """R5.1: 2026 = 261 weekdays − 19 weekday holidays + 6 make-up days = 248 working days."""
    assert sum(1 for d in calendar.year_days(2026) if d.working) == 248


def test_2027_fallback_has_no_makeup_days_and_statutory_holidays(calendar: WorkCalendar) -> None:
    """R5.3: 2027 — weekends plus statutory days; 春节 Feb 5–8 off, Feb 9 (Tue) worked."""
    assert not calendar.is_working_day(D(2027, 2, 5))
    assert not calendar.is_working_day(D(2027, 2, 8))
    assert calendar.is_working_day(D(2027, 2, 9))
    assert calendar.describe(D(2027, 4, 5)).source == Source.STATUTORY
    assert not [d for d in calendar.year_days(2027) if d.kind == DayKind.MAKEUP]


def test_add_working_days_counts_strictly_after_the_start(calendar: WorkCalendar) -> None:
    """R4.2 (民法典 Art. 201): the start day is not counted, even when it is a working day."""
    assert calendar.add_working_days(D(2026, 3, 10), 1) == D(2026, 3, 11)
    assert calendar.add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 16)  # Fri → Mon
    assert calendar.add_working_days(D(2026, 3, 10), 0) == D(2026, 3, 10)


def test_add_working_days_crosses_years(calendar: WorkCalendar) -> None:
    """R5: counting runs from an official year into a fallback one and across several years."""
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    # 2027 (fallback): 261 weekdays − 7 statutory weekdays = 254 working days, the last on Fri Dec 31.
    assert calendar.add_working_days(D(2026, 12, 31), 254) == D(2027, 12, 31)
    assert calendar.add_working_days(D(2026, 12, 31), 255) == D(2028, 1, 3)
    assert calendar.add_working_days(D(2025, 12, 31), 248) == D(2026, 12, 31)


def test_add_working_days_rejects_negative(calendar: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="n must be"):
        calendar.add_working_days(D(2026, 1, 5), -1)


def test_from_sets_and_overlap() -> None:
    """The plain-set constructor: explicit dates win over the week; a date cannot be both."""
    cal = WorkCalendar.from_sets(non_working={D(2030, 3, 4)}, working={D(2030, 3, 9)}, official_years={2030})
    assert not cal.is_working_day(D(2030, 3, 4))
    assert cal.is_working_day(D(2030, 3, 9))
    assert cal.is_official_year(2030)
    with pytest.raises(ValueError, match="both"):
        WorkCalendar.from_sets(non_working={D(2030, 3, 4)}, working={D(2030, 3, 4)})


def test_layers_import_replaces_package_year_and_override_wins() -> None:
    """R5.2: an imported year replaces the package's data for that year; an override beats both."""
    cal = compose_calendar(
        imported={D(2026, 3, 2): DaySpec(False, "测试", Source.IMPORT)},
        imported_years={2026},
        overrides={D(2026, 3, 3): DaySpec(False, "", Source.OVERRIDE, "停电")},
    )
    assert cal.is_working_day(D(2026, 2, 16))  # the package's 春节 is gone: the import is the whole year
    assert not cal.is_working_day(D(2026, 3, 2))
    assert not cal.is_working_day(D(2026, 3, 3))
    assert cal.describe(D(2026, 3, 3)).note == "停电"
    assert not cal.is_working_day(D(2025, 10, 1))  # other package years untouched
