"""Layering the calendar's data sources into one ``WorkCalendar`` (R5.1–R5.3).

Precedence, lowest first: the Monday–Friday week; the statutory fallback (only for years with no
official data); the ``chinese-calendar`` package (R5.1, official for the years it covers); an imported
official arrangement (R5.2, replaces the package's data for every year the file touches); single-date
admin overrides (R5.2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import Holiday

from jiesu.workcalendar.core import DaySpec, Source, WorkCalendar

_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in Holiday}


@lru_cache(maxsize=1)
def package_days() -> dict[dt.date, DaySpec]:
    """R5.1: every holiday and make-up working day in ``chinese-calendar``, named in Chinese."""
    days: dict[dt.date, DaySpec] = {}
    for day, name in chinese_calendar.holidays.items():
        days[day] = DaySpec(working=False, name=_CHINESE_NAMES.get(name, name), source=Source.PACKAGE)
    for day, name in chinese_calendar.workdays.items():
        days[day] = DaySpec(working=True, name=_CHINESE_NAMES.get(name, name), source=Source.PACKAGE)
    return days


@lru_cache(maxsize=1)
def package_years() -> frozenset[int]:
    """The years ``chinese-calendar`` covers with the State Council's arrangement (2004–2026 in 1.11.0)."""
    return frozenset(day.year for day in package_days())


def compose_calendar(
    *,
    imported: Mapping[dt.date, DaySpec] | None = None,
    imported_years: Iterable[int] = (),
    overrides: Mapping[dt.date, DaySpec] | None = None,
) -> WorkCalendar:
    """Build the calendar from the package data, imported years and overrides."""
    imported_years = frozenset(imported_years)
    days = {day: spec for day, spec in package_days().items() if day.year not in imported_years}
    days.update({day: spec for day, spec in (imported or {}).items() if day.year in imported_years})
    days.update(overrides or {})
    return WorkCalendar(days=days, official_years=package_years() | imported_years)
