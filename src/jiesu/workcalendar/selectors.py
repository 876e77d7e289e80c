"""Reads of the working-day calendar: the process-wide ``WorkCalendar`` and the admin pages' views of it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from jiesu.workcalendar.core import DayInfo, DayKind, DaySpec, Source, WorkCalendar
from jiesu.workcalendar.importing import ImportRow
from jiesu.workcalendar.models import (
    CalendarChange,
    CalendarImport,
    CalendarOverride,
    CalendarVersion,
    OfficialDay,
    OfficialYear,
)
from jiesu.workcalendar.rules import clock_rules
from jiesu.workcalendar.sources import compose_calendar, package_years

# --- the process-wide calendar ---------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarData:
    """What the database adds to the package data: imported years and their days, and overrides."""

    imported: dict[dt.date, DaySpec] = field(default_factory=dict)
    imported_years: frozenset[int] = frozenset()
    overrides: dict[dt.date, DaySpec] = field(default_factory=dict)

    def calendar(self) -> WorkCalendar:
        return compose_calendar(
            imported=self.imported, imported_years=self.imported_years, overrides=self.overrides
        )


@dataclass(frozen=True)
class _Cached:
    token: str
    calendar: WorkCalendar
    checked_at: float
    # A calendar loaded inside a transaction may hold uncommitted data: re-check its token on every use.
    trusted: bool


_cache: _Cached | None = None
_lock = threading.Lock()


def load_calendar_data() -> CalendarData:
    """Three queries, whatever the number of days."""
    years = frozenset(OfficialYear.objects.values_list("year", flat=True))
    imported = {
        day: DaySpec(working, name, Source.IMPORT)
        for day, working, name in OfficialDay.objects.values_list("date", "working", "name")
    }
    overrides = {
        day: DaySpec(working, "", Source.OVERRIDE, note)
        for day, working, note in CalendarOverride.objects.values_list("date", "working", "note")
    }
    return CalendarData(imported=imported, imported_years=years, overrides=overrides)


def _current_token() -> str:
    return CalendarVersion.objects.values_list("token", flat=True).first() or ""


def get_calendar() -> WorkCalendar:
    """The working-day calendar with every import and override applied (R5).

    Cached per process. The cache is trusted for ``CALENDAR_CACHE_SECONDS``; after that one query checks
    the version token every write service changes, and only a changed token reloads (three queries).
    Writes in this process drop the cache at once.
    """
    global _cache
    cached = _cache
    now = time.monotonic()
    if (
        cached is not None
        and cached.trusted
        and now - cached.checked_at < clock_rules().CALENDAR_CACHE_SECONDS
    ):
        return cached.calendar
    trusted = not transaction.get_connection().in_atomic_block
    token = _current_token()
    with _lock:
        if cached is not None and cached.token == token:
            _cache = _Cached(token, cached.calendar, now, trusted and cached.trusted)
            return cached.calendar
        calendar = load_calendar_data().calendar()
        _cache = _Cached(token, calendar, now, trusted)
        return calendar


def invalidate_calendar_cache() -> None:
    """Forget this process's calendar; the next ``get_calendar()`` reloads it."""
    global _cache
    _cache = None


# --- the admin pages -------------------------------------------------------------------------------


def year_source(year: int, *, imported_years: frozenset[int] | None = None) -> Source:
    """Where a year's arrangement comes from: an import, the package, or the statutory fallback."""
    if imported_years is None:
        imported_years = frozenset(OfficialYear.objects.values_list("year", flat=True))
    if year in imported_years:
        return Source.IMPORT
    if year in package_years():
        return Source.PACKAGE
    return Source.STATUTORY


@dataclass(frozen=True)
class YearOverview:
    year: int
    official: bool
    source: Source
    days: list[DayInfo]
    overrides: list[CalendarOverride]
    last_import: CalendarImport | None

    @property
    def working_day_count(self) -> int:
        return sum(1 for d in self.days if d.working)

    @property
    def holidays(self) -> list[DayInfo]:
        return [d for d in self.days if d.kind == DayKind.HOLIDAY]

    @property
    def makeup_days(self) -> list[DayInfo]:
        return [d for d in self.days if d.kind == DayKind.MAKEUP]

    def months(self) -> list[tuple[int, list[list[DayInfo | None]]]]:
        """Month grids, Monday first: (month, weeks of seven cells, None outside the month)."""
        result = []
        for month in range(1, 13):
            cells: list[DayInfo | None] = [None] * dt.date(self.year, month, 1).weekday()
            cells += [d for d in self.days if d.day.month == month]
            cells += [None] * (-len(cells) % 7)
            result.append((month, [cells[i : i + 7] for i in range(0, len(cells), 7)]))
        return result


def year_overview(year: int) -> YearOverview:
    calendar = get_calendar()
    official_year = OfficialYear.objects.filter(year=year).select_related("source__imported_by").first()
    imported_years = frozenset({year}) if official_year else frozenset()
    return YearOverview(
        year=year,
        official=calendar.is_official_year(year),
        source=year_source(year, imported_years=imported_years),
        days=calendar.year_days(year),
        overrides=list(overrides_in(year)),
        last_import=official_year.source if official_year else None,
    )


def overrides_in(year: int) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.filter(date__year=year).select_related("created_by", "updated_by")


def get_override(day: dt.date) -> CalendarOverride | None:
    return CalendarOverride.objects.filter(date=day).select_related("created_by", "updated_by").first()


def recent_changes(limit: int = 20) -> QuerySet[CalendarChange]:
    return CalendarChange.objects.select_related("actor")[:limit]


@dataclass(frozen=True)
class YearStatus:
    year: int
    source: Source

    @property
    def official(self) -> bool:
        return self.source != Source.STATUTORY


def years_status(today: dt.date) -> list[YearStatus]:
    """Last year, this year, the next two, and any imported year: the years admins care about."""
    imported = frozenset(OfficialYear.objects.values_list("year", flat=True))
    years = sorted(set(range(today.year - 1, today.year + 3)) | imported)
    return [YearStatus(y, year_source(y, imported_years=imported)) for y in years]


# --- import preview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayChange:
    before: DayInfo
    after: DayInfo
    overridden: bool  # an admin override keeps deciding this date after the import


@dataclass(frozen=True)
class ImportPreview:
    years: list[int]
    fallback_years: list[
        int
    ]  # years that leave the statutory fallback (their deadlines stop being provisional)
    changes: list[DayChange]
    row_count: int


def import_preview(rows: list[ImportRow]) -> ImportPreview:
    """R5.2: what importing ``rows`` would change, date by date, without writing anything.

    Compared without the admins' overrides, which keep deciding their dates after the import; such dates
    are flagged ``overridden``.
    """
    data = load_calendar_data()
    years = frozenset(row.date.year for row in rows)
    imported = {d: s for d, s in data.imported.items() if d.year not in years}
    imported |= {row.date: DaySpec(row.working, row.name, Source.IMPORT) for row in rows}
    before = CalendarData(data.imported, data.imported_years).calendar()
    after = CalendarData(imported, data.imported_years | years).calendar()
    changes = [
        DayChange(old, new, overridden=old.day in data.overrides)
        for year in sorted(years)
        for old, new in zip(before.year_days(year), after.year_days(year), strict=True)
        if (old.working, old.kind, old.name) != (new.working, new.kind, new.name)
    ]
    return ImportPreview(
        years=sorted(years),
        fallback_years=sorted(y for y in years if not before.is_official_year(y)),
        changes=changes,
        row_count=len(rows),
    )
